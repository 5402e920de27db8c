/**
 * The emergency safety net: fixed phrase rules in the five languages, run on every text before the
 * NLU. It lives in code on purpose: editing or breaking the FAQ content cannot switch it off.
 * The rules read normalised text (lower case, no accents, see normalize.ts).
 */
import type { Language } from '../core/message.js';
import type { EmergencyIntent } from './content/catalogue.js';

type RuleSet = Readonly<Record<EmergencyIntent, readonly RegExp[]>>;

/*
 * Rules are written for recall on danger *in progress* or disclosed, and narrow enough to leave
 * everyday idioms alone ("me muero de risa", "me mata el calor", "me pego una ducha").
 */
const RULES: RuleSet = {
  'emergencia.112': [
    // es
    /\bincendio\b|\bhay (un )?fuego\b|\bfuego en\b|\bse (esta|estan) quemando\b|\bsale (mucho )?humo\b/,
    /\b(ha habido|hay|he tenido|hemos tenido|acabo de tener|acaba de haber) un (accidente|atropello|choque)\b|\baccidente de (coche|trafico|moto|autobus)\b|\b(han|ha) atropellado\b/,
    /\b(esta|estan) inconsciente|\binconsciente\b|\bno respira\b|\bno reacciona\b|\bse ha desmayado\b|\bse ha caido y no\b|\binfarto\b|\bictus\b|\bconvulsion|\bse (esta|estan) ahogando\b|\bsangra(ndo)? mucho\b|\bsobredosis\b/,
    /\bme (estan|esta) (pegando|atacando|agrediendo|apunalando|robando|atracando)\b|\b(nos|les|le) (estan|esta) (pegando|atacando|robando)\b|\bestan robando\b|\bestan entrando (a robar|en (mi|la|nuestra) casa)\b|\bme han (apunalado|disparado)\b|\bhay un ladron\b|\btiroteo\b|\bdisparos\b|\b(tiene|lleva) un (cuchillo|arma|pistola|navaja)\b|\bpelea con (cuchillos?|navajas?|armas?)\b/,
    /\bnecesito (una )?ambulancia\b|\bllam(a|ad|en|e) a (la policia|una ambulancia|los bomberos)\b|\bfuga de gas\b|\bhuele (mucho )?a gas\b|\bsocorro\b|\bauxilio\b|\bes una emergencia\b|^emergencia\b/,
    // ca
    /\bincendi\b|\bhi ha foc\b|\bs'esta cremant\b|\bhi ha (hagut )?un accident\b|\binconscient\b|\bno respira\b|\bs'ha desmaiat\b|\bm'estan (pegant|atacant|robant|agredint)\b|\bestan robant\b|\bestan entrant a (casa|la casa)\b|\btruque(u|s) a (la policia|una ambulancia|els bombers)\b|\bnecessito una ambulancia\b|\bfuita de gas\b|\bsocors\b|\bauxili\b|\bes una emergencia\b/,
    // gl
    /\bincendio\b|\bhai lume\b|\bestase queimando\b|\bhoubo un accidente\b|\binconsciente\b|\bnon respira\b|\bdesmaiouse\b|\bestanme (pegando|atacando|roubando|agredindo)\b|\bestan roubando\b|\bestan entrando na (mina )?casa\b|\bchama(de)? (a|á) (policia|unha ambulancia|os bombeiros)\b|\bnecesito unha ambulancia\b|\bfuga de gas\b|\bsocorro\b|\be unha emerxencia\b/,
    // eu
    /\bsute(a|ak)?\b|\bistripu\b|\bkonorterik gabe\b|\bez du arnas(a|ik) hartzen\b|\bzorabiatu (egin )?da\b|\blapurretan ari\b|\beraso (egiten|egin) (ari zaizkit|didate|dit)\b|\banbulantzia (bat )?behar\b|\bdeitu (poliziari|anbulantzia)\b|\bgas[- ]ihes/,
    // en
    /\b(there'?s|there is) a fire\b|\bon fire\b|\bfire in (my|the|our)\b|\b(car )?crash\b|\b(been|there'?s|there is|had) an accident\b|\bcar accident\b|\bunconscious\b|\b(not|isn'?t|stopped) breathing\b|\bheart attack\b|\boverdose\b|\bchoking\b|\bdrowning\b|\bbleeding (a lot|heavily|badly)\b/,
    /\b(i'?m|i am|we'?re|we are) being (attacked|robbed|stabbed|beaten|followed)\b|\bbreaking into\b|\bsomeone is (robbing|attacking)\b|\bcall (the police|an ambulance|the fire brigade)\b|\bneed an ambulance\b|\bgas leak\b|\b(it'?s|this is) an emergency\b|^emergency\b/,
  ],
  'emergencia.016': [
    // es
    /\bmi (pareja|marido|esposo|novio|ex|expareja|exmarido|exnovio|companero|novia|mujer|esposa)\b.{0,40}\bme (pega|ha pegado|golpea|ha golpeado|maltrata|amenaza|ha amenazado|acosa|persigue|viola|ha violado|obliga|quiere matar|va a matar|hace dano|empuja|controla)\b/,
    /\bme (pega|maltrata|amenaza|acosa|persigue|golpea|ha pegado)\b.{0,15}\bmi (pareja|marido|esposo|novio|ex|expareja|exmarido|exnovio)\b/,
    /\bmaltrat(o|os|ada|ador|adora)\b(?! animal)|\bmalos tratos\b|\bviolencia (de genero|machista|domestica)\b|\borden de alejamiento\b/,
    // ca
    /\b(la meva (parella|dona|exparella|xicota)|el meu (marit|xicot|company|exmarit|ex))\b.{0,40}\bem (pega|maltracta|amenaca|assetja|controla|insulta|humilia|fa mal|vol matar)\b|\bmaltractament|\bmaltractador|\bviolencia (de genere|masclista|domestica)\b/,
    // gl
    /\b(pegame|pegoume|maltratame|ameazame|acosame|persegueme|violoume|golpeame)\b|\bmalos tratos\b|\bmaltrat(o|ador)\b|\bviolencia (de xenero|machista|domestica)\b/,
    // eu
    /\b(bikotekide|senar|mutil[- ]?lagun|emazte|neska[- ]?lagun)\w*\b.{0,40}\b(jo (egiten )?nau|jotzen nau|tratu txarrak|mehatxa|jazarri|bortxatu)|\bgenero[- ]indarkeria|\bindarkeria matxista|\btratu txarr/,
    // en
    /\bmy (partner|husband|boyfriend|ex|wife|girlfriend|ex-husband|ex-boyfriend|ex-partner)\b.{0,30}\b(hits|beats|hit|beat|abuses|abused|threatens|threatened|stalks|rapes|raped|hurts|controls|is abusive)\b|\bdomestic (violence|abuse)\b|\bgender[- ]?(based )?violence\b|\babusive (partner|relationship|husband|boyfriend)\b/,
  ],
  'emergencia.024': [
    // es
    /\b(quiero|quisiera|me quiero|deseo|tengo ganas de|ganas de) (morir(me)?|matarme|suicidarme|quitarme la vida|acabar con (todo|mi vida))\b|\bno quiero (vivir|seguir viviendo|seguir vivo|seguir viva|estar vivo|estar viva)\b/,
    /\bsuicid(io|arme|arse|a|as|o)\b|\bquitar(me)? la vida\b|\bme (quiero|voy a) (morir|matar|suicidar)\b|\bhacerme dano\b|\bme (corto|autolesiono|hago dano)\b|\bautolesion|\b(pensamientos|ideas) suicidas\b|\bno vale la pena vivir\b|\bestaria(n)? mejor (muerto|muerta|sin mi)\b/,
    // ca
    /\bvull morir|\bem vull morir\b|\bno vull (viure|continuar vivint|seguir vivint)\b|\bsuicid|\btreure'm la vida\b|\bem vull fer mal\b|\bfer-me mal\b|\bpensaments suicides\b|\bvull acabar amb tot\b/,
    // gl
    /\bquero morrer\b|\bnon quero (vivir|seguir vivindo)\b|\bsuicid|\bquitarme a vida\b|\bfacerme dano\b|\bquerome facer dano\b|\bpensamentos suicidas\b|\bquero acabar con todo\b/,
    // eu
    /\bhil (egin )?nahi (dut|naiz)\b|\bez dut bizi(tzen)? (jarraitu )?nahi\b|\b(bere|nire|neure) buruaz beste\b|\bmin egin nahi (diot|dit) neure buruari\b|\bsuizid|\bdena amaitu nahi\b/,
    // en
    /\bi (just |really |only )?(want|wanna) to die\b|\b(kill|killing|hurt|hurting|harm|harming) myself\b|\bsuicid|\bend (my|it) (life|all)\b|\bend it all\b|\b(don'?t|do not) want to (live|be alive)\b|\bself[- ]harm|\bno reason to live\b|\bbetter off dead\b/,
  ],
};

/**
 * Idioms that look like danger but are not. They are removed before the rules run and they veto
 * an NLU-only emergency (a rule match on the rest of the text still fires).
 */
/** The union of every rule (none has flags or numbered back-references, so union = "any rule matches"). */
const ANY_RULE = new RegExp(
  Object.values(RULES)
    .flat()
    .map((rule) => `(?:${rule.source})`)
    .join('|'),
);

const IDIOMS: readonly RegExp[] = [
  /\bme muero de (risa|hambre|sueno|ganas|calor|frio|envidia|verguenza|aburrimiento)\b/g,
  /\bme (mata|matan|esta matando) (el|la|los|las|este|esta) (calor|frio|espalda|cabeza|pies|suegra|curro|trabajo|jefe)\b/g,
  /\bme pego una (ducha|siesta|vuelta|comilona)\b/g,
  /\b(el|la|del|linea|bus|autobus) 112\b/g,
  /\bmuerto de (risa|hambre|sueno|cansancio)\b/g,
  /\bem moro de (riure|gana|son)\b/g,
  /\bmorro de (risa|fame)\b/g,
  /\b(killing it|dying to|dying of laughter|to die for|killing me softly)\b/g,
  /\bsalida de emergencia\b|\bfire (tv|stick|exit|drill)\b/g,
];

export interface SafetyMatch {
  readonly intent: EmergencyIntent;
  /** Which rule fired (for logs and tests), never the citizen's text. */
  readonly rule: string;
}

/** Applies the phrase rules to normalised text; 024 first, then 016, then 112. */
export function matchSafetyRules(normalized: string): SafetyMatch | undefined {
  // One pass over the text answers "could any rule match?" for the vast majority of messages,
  // which are not emergencies; removing idioms only ever takes matches away.
  if (!ANY_RULE.test(normalized)) return undefined;
  let text = normalized;
  for (const idiom of IDIOMS) text = text.replace(idiom, ' ');
  // Self-harm and gender violence are checked before 112 so that "mi pareja me pega" gets the 016
  // answer (which also mentions 112) rather than only 112.
  for (const intent of ['emergencia.024', 'emergencia.016', 'emergencia.112'] as const) {
    const rules = RULES[intent];
    for (let index = 0; index < rules.length; index += 1) {
      const rule = rules[index];
      if (rule !== undefined && rule.test(text)) return { intent, rule: `${intent}#${index}` };
    }
  }
  return undefined;
}

/** True when the text is one of the known false-alarm idioms (vetoes NLU-only emergencies). */
export function isSafetyIdiom(normalized: string): boolean {
  return IDIOMS.some((idiom) => {
    idiom.lastIndex = 0;
    const found = idiom.test(normalized);
    idiom.lastIndex = 0;
    return found;
  });
}

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
