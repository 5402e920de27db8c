/**
 * The safety net's own answers, kept in code like the rules: content edits cannot remove them.
 */
import type { Language } from '../../core/message.js';
import type { EmergencyIntent } from '../content/catalogue.js';

/**
 * The safety net's own answers. Kept in code, like the rules: content edits cannot remove them.
 * The 016 answer always says that the call leaves no trace on the phone bill.
 */
export const SAFETY_ANSWERS: Readonly<Record<EmergencyIntent, Readonly<Record<Language, { text: string; short: string }>>>> = {
  'emergencia.112': {
    es: { text: 'Si hay una emergencia, llama ahora al 112. Es gratuito y atiende 24 horas. Si puedes, di dónde estás y qué pasa.', short: 'Emergencia: llama ahora al 112 (gratuito, 24 h).' },
    ca: { text: 'Si hi ha una emergència, truca ara al 112. És gratuït i atén 24 hores. Si pots, digues on ets i què passa.', short: 'Emergència: truca ara al 112 (gratuït, 24 h).' },
    gl: { text: 'Se hai unha emerxencia, chama agora ao 112. É gratuíto e atende 24 horas. Se podes, di onde estás e que pasa.', short: 'Emerxencia: chama agora ao 112 (gratuíto, 24 h).' },
    eu: { text: 'Larrialdi bat badago, deitu orain 112ra. Doakoa da eta 24 orduz artatzen du. Ahal baduzu, esan non zauden eta zer gertatzen den.', short: 'Larrialdia: deitu orain 112ra (doakoa, 24 h).' },
    en: { text: 'If this is an emergency, call 112 now. It is free and open 24 hours. If you can, say where you are and what is happening.', short: 'Emergency: call 112 now (free, 24 h).' },
  },
  'emergencia.016': {
    es: { text: 'No estás sola. Llama al 016: es gratuito, atiende 24 horas y no deja rastro en la factura del teléfono (borra la llamada del registro del móvil si lo necesitas). También por WhatsApp en el 600 000 016. Si estás en peligro ahora mismo, llama al 112.', short: 'Llama al 016: gratuito, 24 h, no deja rastro en la factura. WhatsApp 600 000 016. Si estás en peligro ahora, 112.' },
    ca: { text: 'No estàs sola. Truca al 016: és gratuït, atén 24 hores i no deixa rastre a la factura del telèfon (esborra la trucada del registre del mòbil si cal). També per WhatsApp al 600 000 016. Si ara mateix estàs en perill, truca al 112.', short: 'Truca al 016: gratuït, 24 h, no deixa rastre a la factura. WhatsApp 600 000 016. Si ara estàs en perill, 112.' },
    gl: { text: 'Non estás soa. Chama ao 016: é gratuíto, atende 24 horas e non deixa rastro na factura do teléfono (borra a chamada do rexistro do móbil se o necesitas). Tamén por WhatsApp no 600 000 016. Se estás en perigo agora mesmo, chama ao 112.', short: 'Chama ao 016: gratuíto, 24 h, non deixa rastro na factura. WhatsApp 600 000 016. Se estás en perigo agora, 112.' },
    eu: { text: 'Ez zaude bakarrik. Deitu 016ra: doakoa da, 24 orduz artatzen du eta ez du arrastorik uzten telefonoaren fakturan (ezabatu deia mugikorraren erregistrotik behar baduzu). WhatsApp bidez ere: 600 000 016. Orain bertan arriskuan bazaude, deitu 112ra.', short: 'Deitu 016ra: doakoa, 24 h, ez du arrastorik uzten fakturan. WhatsApp 600 000 016. Orain arriskuan bazaude, 112.' },
    en: { text: 'You are not alone. Call 016: it is free, open 24 hours and leaves no trace on your phone bill (delete it from your phone\'s call log if you need to). Also on WhatsApp at 600 000 016. If you are in danger right now, call 112.', short: 'Call 016: free, 24 h, leaves no trace on the phone bill. WhatsApp 600 000 016. If you are in danger now, call 112.' },
  },
  'emergencia.024': {
    es: { text: 'Siento mucho que estés pasando por esto. No estás solo: llama ahora al 024, la línea de atención a la conducta suicida. Es gratuita, confidencial y atiende 24 horas. Si tu vida corre peligro inmediato, llama al 112.', short: 'No estás solo. Llama al 024 (gratuito, confidencial, 24 h). Si hay peligro inmediato, 112.' },
    ca: { text: 'Sento molt que estiguis passant per això. No estàs sol: truca ara al 024, la línia d\'atenció a la conducta suïcida. És gratuïta, confidencial i atén 24 hores. Si la teva vida corre perill immediat, truca al 112.', short: 'No estàs sol. Truca al 024 (gratuït, confidencial, 24 h). Si hi ha perill immediat, 112.' },
    gl: { text: 'Sinto moito que esteas pasando por isto. Non estás só: chama agora ao 024, a liña de atención á conduta suicida. É gratuíta, confidencial e atende 24 horas. Se a túa vida corre perigo inmediato, chama ao 112.', short: 'Non estás só. Chama ao 024 (gratuíto, confidencial, 24 h). Se hai perigo inmediato, 112.' },
    eu: { text: 'Sentitzen dut hau pasatzen ari zarela. Ez zaude bakarrik: deitu orain 024ra, jokabide suizidaren arretarako linea. Doakoa, isilpekoa eta 24 orduz. Zure bizitza berehalako arriskuan badago, deitu 112ra.', short: 'Ez zaude bakarrik. Deitu 024ra (doakoa, isilpekoa, 24 h). Berehalako arriskua badago, 112.' },
    en: { text: 'I am sorry you are going through this. You are not alone: call 024 now, Spain\'s suicide prevention line. It is free, confidential and open 24 hours. If your life is in immediate danger, call 112.', short: 'You are not alone. Call 024 (free, confidential, 24 h). If in immediate danger, call 112.' },
  },
};

/**
 * The "possible risk" message: sent after whatever the bot could answer when the evidence of an
 * emergency is uncertain. It always names the number and offers a person (the policy attaches the
 * "talk to a person" choice to it), gently enough not to alarm someone who was only joking.
 */
export const POSSIBLE_RISK_ANSWERS: Readonly<Record<EmergencyIntent, Readonly<Record<Language, string>>>> = {
  'emergencia.112': {
    es: 'Por si acaso: si hay una emergencia, llama ahora al 112 (gratuito, 24 h). Si quieres, te paso ahora mismo con una persona.',
    ca: 'Per si de cas: si hi ha una emergència, truca ara al 112 (gratuït, 24 h). Si vols, et passo ara mateix amb una persona.',
    gl: 'Por se acaso: se hai unha emerxencia, chama agora ao 112 (gratuíto, 24 h). Se queres, pásote agora mesmo cunha persoa.',
    eu: 'Badaezpada: larrialdi bat badago, deitu orain 112ra (doakoa, 24 h). Nahi baduzu, pertsona batekin jarriko zaitut oraintxe.',
    en: 'Just in case: if this is an emergency, call 112 now (free, 24 h). If you like, I can put you through to a person right now.',
  },
  'emergencia.016': {
    es: 'Por si lo necesitas: el 016 atiende gratis las 24 horas y no deja rastro en la factura (también por WhatsApp en el 600 000 016). Si estás en peligro ahora, llama al 112. Si quieres, te paso ahora mismo con una persona.',
    ca: 'Per si ho necessites: el 016 atén gratis les 24 hores i no deixa rastre a la factura (també per WhatsApp al 600 000 016). Si ara estàs en perill, truca al 112. Si vols, et passo ara mateix amb una persona.',
    gl: 'Por se o necesitas: o 016 atende gratis as 24 horas e non deixa rastro na factura (tamén por WhatsApp no 600 000 016). Se estás en perigo agora, chama ao 112. Se queres, pásote agora mesmo cunha persoa.',
    eu: 'Behar baduzu: 016 doakoa da, 24 orduz artatzen du eta ez du arrastorik uzten fakturan (WhatsApp bidez ere: 600 000 016). Orain arriskuan bazaude, deitu 112ra. Nahi baduzu, pertsona batekin jarriko zaitut oraintxe.',
    en: 'In case you need it: 016 is free, open 24 hours and leaves no trace on the phone bill (also on WhatsApp at 600 000 016). If you are in danger now, call 112. If you like, I can put you through to a person right now.',
  },
  'emergencia.024': {
    es: 'Si estás pasando por un momento difícil, no estás solo: puedes llamar ahora al 024 (gratuito, confidencial, 24 h). Si quieres, te paso ahora mismo con una persona.',
    ca: 'Si estàs passant un moment difícil, no estàs sol: pots trucar ara al 024 (gratuït, confidencial, 24 h). Si vols, et passo ara mateix amb una persona.',
    gl: 'Se estás pasando un momento difícil, non estás só: podes chamar agora ao 024 (gratuíto, confidencial, 24 h). Se queres, pásote agora mesmo cunha persoa.',
    eu: 'Une zail bat pasatzen ari bazara, ez zaude bakarrik: deitu orain 024ra (doakoa, isilpekoa, 24 h). Nahi baduzu, pertsona batekin jarriko zaitut oraintxe.',
    en: 'If you are going through a hard time, you are not alone: you can call 024 now (free, confidential, 24 h). If you like, I can put you through to a person right now.',
  },
};
