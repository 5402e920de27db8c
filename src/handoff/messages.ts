/**
 * What the handoff queue says to citizens, in the hub's five languages, and the phrases it
 * recognises while a conversation waits ("¿cuánto falta?", "ya no hace falta").
 */
import type { Language } from '../core/message.js';
import type { ReplyWindow } from '../core/reply-window.js';

export interface QueueText {
  queued(p: { queue: string; position: number; waitMinutes: number }): string;
  /**
   * Closed queue: the hours, when it opens, and that a message left now is answered then. With
   * `replyWindow` (WhatsApp's 24 hours) it also says how a late answer reaches the citizen.
   */
  outOfHours(p: { queue: string; hours: string; next: string | undefined; replyWindow?: ReplyWindow }): string;
  position(p: { position: number; waitMinutes: number }): string;
  positionUpdate(p: { position: number; waitMinutes: number }): string;
  assigned(): string;
  transferred(p: { queue: string }): string;
  cancelled(): string;
  slaBreached(): string;
  abandoned(): string;
  surveyQuestion(): string;
  surveyThanks(): string;
}

const minutes = (n: number, lang: Language): string => {
  const m = Math.max(1, Math.round(n));
  switch (lang) {
    case 'es':
      return m === 1 ? '1 minuto' : `${m} minutos`;
    case 'ca':
      return m === 1 ? '1 minut' : `${m} minuts`;
    case 'gl':
      return m === 1 ? '1 minuto' : `${m} minutos`;
    case 'eu':
      return `${m} minutu`;
    case 'en':
      return m === 1 ? '1 minute' : `${m} minutes`;
  }
};

/** How an answer given after the channel's reply window reaches the citizen (the truth, per setup). */
const REPLY_WINDOW_TEXT: Record<Language, (window: ReplyWindow) => string> = {
  es: ({ hours, reopenBy }) =>
    ` Por WhatsApp solo podemos escribirte durante las ${hours} horas siguientes a tu último mensaje.` +
    (reopenBy === 'template'
      ? ' Si la respuesta llega más tarde, primero te enviaremos un aviso para retomar la conversación: contéstalo y recibirás la respuesta.'
      : ' Si para entonces no te hemos respondido, vuelve a escribirnos por aquí y te contestaremos.'),
  ca: ({ hours, reopenBy }) =>
    ` Per WhatsApp només et podem escriure durant les ${hours} hores següents al teu últim missatge.` +
    (reopenBy === 'template'
      ? ' Si la resposta arriba més tard, primer t’enviarem un avís per reprendre la conversa: respon-lo i rebràs la resposta.'
      : ' Si per aleshores no t’hem respost, torna’ns a escriure per aquí i et contestarem.'),
  gl: ({ hours, reopenBy }) =>
    ` Por WhatsApp só podemos escribirche durante as ${hours} horas seguintes á túa última mensaxe.` +
    (reopenBy === 'template'
      ? ' Se a resposta chega máis tarde, primeiro enviarémosche un aviso para retomar a conversa: contéstao e recibirás a resposta.'
      : ' Se para entón non che respondemos, volve escribirnos por aquí e contestarémosche.'),
  eu: ({ hours, reopenBy }) =>
    ` WhatsApp bidez zure azken mezutik ${hours} orduko epean bakarrik idatz diezazukegu.` +
    (reopenBy === 'template'
      ? ' Erantzuna beranduago iristen bada, lehenik abisu bat bidaliko dizugu elkarrizketari berriro ekiteko: erantzun iezaiozu eta erantzuna jasoko duzu.'
      : ' Ordurako erantzun ez badizugu, idatzi iezaguzu berriro hemen eta erantzungo dizugu.'),
  en: ({ hours, reopenBy }) =>
    ` On WhatsApp we can only write to you within ${hours} hours of your last message.` +
    (reopenBy === 'template'
      ? ' If the answer comes later, we will first send you a notice to resume the conversation: reply to it and you will get the answer.'
      : ' If we have not answered by then, write to us here again and we will reply.'),
};

const windowText = (language: Language, window: ReplyWindow | undefined): string => (window === undefined ? '' : REPLY_WINDOW_TEXT[language](window));

export const QUEUE_TEXT: Record<Language, QueueText> = {
  es: {
    queued: ({ queue, position, waitMinutes }) =>
      `Te paso con una persona del equipo de ${queue}. Estás en la posición ${position} de la cola; espera estimada: unos ${minutes(waitMinutes, 'es')}. ` +
      'Mientras esperas, escribe «¿cuánto falta?» para saber tu turno o «ya no hace falta» para cancelar.',
    outOfHours: ({ queue, hours, next, replyWindow }) =>
      `Ahora mismo el equipo de ${queue} no está atendiendo. Horario: ${hours}.` +
      (next === undefined ? '' : ` Volvemos ${next}.`) +
      ' Puedes dejar tu mensaje aquí y lo atenderá el próximo turno.' +
      windowText('es', replyWindow) +
      ' Si ya no hace falta, escribe «cancelar».',
    position: ({ position, waitMinutes }) =>
      position <= 1
        ? `Eres el siguiente en la cola; espera estimada: unos ${minutes(waitMinutes, 'es')}.`
        : `Estás en la posición ${position} de la cola; espera estimada: unos ${minutes(waitMinutes, 'es')}.`,
    positionUpdate: ({ position, waitMinutes }) =>
      `Seguimos contigo: ahora estás en la posición ${position}; espera estimada: unos ${minutes(waitMinutes, 'es')}.`,
    assigned: () => 'Ya te atiende una persona del equipo. Escribe aquí tu consulta.',
    transferred: ({ queue }) => `Te pasamos con el equipo de ${queue}. Enseguida te atienden.`,
    cancelled: () => 'De acuerdo, he cancelado la espera. Si necesitas algo más, pregúntame.',
    slaBreached: () => 'Lo sentimos, la espera se está alargando más de lo previsto. Sigues en la cola; si ya no hace falta, escribe «cancelar».',
    abandoned: () => 'No hemos podido atenderte a tiempo y hemos cerrado la espera. Si aún lo necesitas, vuelve a escribir «quiero hablar con una persona».',
    surveyQuestion: () => '¿Cómo valorarías la atención recibida? Elige de 1 (muy mala) a 5 (muy buena).',
    surveyThanks: () => '¡Gracias por tu valoración! Si tienes otra pregunta, aquí estoy.',
  },
  ca: {
    queued: ({ queue, position, waitMinutes }) =>
      `Et passo amb una persona de l'equip de ${queue}. Ets a la posició ${position} de la cua; espera estimada: uns ${minutes(waitMinutes, 'ca')}. ` +
      'Mentre esperes, escriu «quant falta?» per saber el teu torn o «ja no cal» per cancel·lar.',
    outOfHours: ({ queue, hours, next, replyWindow }) =>
      `Ara mateix l'equip de ${queue} no atén. Horari: ${hours}.` +
      (next === undefined ? '' : ` Tornem ${next}.`) +
      ' Pots deixar el teu missatge aquí i l’atendrà el torn següent.' +
      windowText('ca', replyWindow) +
      ' Si ja no cal, escriu «cancel·lar».',
    position: ({ position, waitMinutes }) =>
      position <= 1
        ? `Ets el següent de la cua; espera estimada: uns ${minutes(waitMinutes, 'ca')}.`
        : `Ets a la posició ${position} de la cua; espera estimada: uns ${minutes(waitMinutes, 'ca')}.`,
    positionUpdate: ({ position, waitMinutes }) =>
      `Seguim amb tu: ara ets a la posició ${position}; espera estimada: uns ${minutes(waitMinutes, 'ca')}.`,
    assigned: () => "Ja t'atén una persona de l'equip. Escriu aquí la teva consulta.",
    transferred: ({ queue }) => `Et passem amb l'equip de ${queue}. De seguida t'atenen.`,
    cancelled: () => "D'acord, he cancel·lat l'espera. Si necessites res més, pregunta'm.",
    slaBreached: () => "Ho sentim, l'espera s'allarga més del previst. Continues a la cua; si ja no cal, escriu «cancel·lar».",
    abandoned: () => "No t'hem pogut atendre a temps i hem tancat l'espera. Si encara ho necessites, torna a escriure «vull parlar amb una persona».",
    surveyQuestion: () => "Com valoraries l'atenció rebuda? Tria de 1 (molt dolenta) a 5 (molt bona).",
    surveyThanks: () => 'Gràcies per la teva valoració! Si tens una altra pregunta, aquí em tens.',
  },
  gl: {
    queued: ({ queue, position, waitMinutes }) =>
      `Pásote cunha persoa do equipo de ${queue}. Estás na posición ${position} da cola; espera estimada: uns ${minutes(waitMinutes, 'gl')}. ` +
      'Mentres agardas, escribe «canto falta?» para saber a túa quenda ou «xa non fai falta» para cancelar.',
    outOfHours: ({ queue, hours, next, replyWindow }) =>
      `Agora mesmo o equipo de ${queue} non está a atender. Horario: ${hours}.` +
      (next === undefined ? '' : ` Volvemos ${next}.`) +
      ' Podes deixar aquí a túa mensaxe e atenderaa a seguinte quenda.' +
      windowText('gl', replyWindow) +
      ' Se xa non fai falta, escribe «cancelar».',
    position: ({ position, waitMinutes }) =>
      position <= 1
        ? `Es o seguinte na cola; espera estimada: uns ${minutes(waitMinutes, 'gl')}.`
        : `Estás na posición ${position} da cola; espera estimada: uns ${minutes(waitMinutes, 'gl')}.`,
    positionUpdate: ({ position, waitMinutes }) =>
      `Seguimos contigo: agora estás na posición ${position}; espera estimada: uns ${minutes(waitMinutes, 'gl')}.`,
    assigned: () => 'Xa te atende unha persoa do equipo. Escribe aquí a túa consulta.',
    transferred: ({ queue }) => `Pasámoste co equipo de ${queue}. Axiña te atenden.`,
    cancelled: () => 'De acordo, cancelei a espera. Se precisas algo máis, pregúntame.',
    slaBreached: () => 'Sentímolo, a espera está a alongarse máis do previsto. Segues na cola; se xa non fai falta, escribe «cancelar».',
    abandoned: () => 'Non puidemos atenderte a tempo e pechamos a espera. Se aínda o precisas, volve escribir «quero falar cunha persoa».',
    surveyQuestion: () => 'Como valorarías a atención recibida? Escolle de 1 (moi mala) a 5 (moi boa).',
    surveyThanks: () => 'Grazas pola túa valoración! Se tes outra pregunta, aquí estou.',
  },
  eu: {
    queued: ({ queue, position, waitMinutes }) =>
      `${queue} taldeko pertsona batekin jarriko zaitut harremanetan. Ilaran ${position}. postuan zaude; gutxi gorabeherako itxaronaldia: ${minutes(waitMinutes, 'eu')}. ` +
      'Itxaroten duzun bitartean, idatzi «zenbat falta da?» zure txanda jakiteko edo «ez da beharrezkoa» bertan behera uzteko.',
    outOfHours: ({ queue, hours, next, replyWindow }) =>
      `Une honetan ${queue} taldea ez dago arreta ematen. Ordutegia: ${hours}.` +
      (next === undefined ? '' : ` Berriro: ${next}.`) +
      ' Zure mezua hemen utz dezakezu eta hurrengo txandak erantzungo dio.' +
      windowText('eu', replyWindow) +
      ' Jada behar ez baduzu, idatzi «utzi».',
    position: ({ position, waitMinutes }) =>
      position <= 1
        ? `Hurrengoa zara ilaran; gutxi gorabeherako itxaronaldia: ${minutes(waitMinutes, 'eu')}.`
        : `Ilaran ${position}. postuan zaude; gutxi gorabeherako itxaronaldia: ${minutes(waitMinutes, 'eu')}.`,
    positionUpdate: ({ position, waitMinutes }) =>
      `Zurekin jarraitzen dugu: orain ${position}. postuan zaude; gutxi gorabeherako itxaronaldia: ${minutes(waitMinutes, 'eu')}.`,
    assigned: () => 'Taldeko pertsona bat ari zaizu arreta ematen. Idatzi hemen zure kontsulta.',
    transferred: ({ queue }) => `${queue} taldearekin jarriko zaitugu. Berehala artatuko zaituzte.`,
    cancelled: () => 'Ados, itxaronaldia bertan behera utzi dut. Beste zerbait behar baduzu, galdetu.',
    slaBreached: () => 'Sentitzen dugu, itxaronaldia aurreikusitakoa baino luzeagoa da. Ilaran jarraitzen duzu; jada behar ez baduzu, idatzi «utzi».',
    abandoned: () => 'Ezin izan zaitugu garaiz artatu eta itxaronaldia itxi dugu. Oraindik behar baduzu, idatzi berriro «pertsona batekin hitz egin nahi dut».',
    surveyQuestion: () => 'Nola baloratuko zenuke jasotako arreta? Aukeratu 1 (oso txarra) eta 5 (oso ona) artean.',
    surveyThanks: () => 'Eskerrik asko zure balorazioagatik! Beste galderarik baduzu, hemen nago.',
  },
  en: {
    queued: ({ queue, position, waitMinutes }) =>
      `I'm passing you to a person from the ${queue} team. You are number ${position} in the queue; estimated wait: about ${minutes(waitMinutes, 'en')}. ` +
      'While you wait, write "how long?" to check your place or "cancel" to stop waiting.',
    outOfHours: ({ queue, hours, next, replyWindow }) =>
      `The ${queue} team is not attending right now. Opening hours: ${hours}.` +
      (next === undefined ? '' : ` We are back ${next}.`) +
      ' You can leave your message here and the next shift will answer it.' +
      windowText('en', replyWindow) +
      ' If you no longer need it, write "cancel".',
    position: ({ position, waitMinutes }) =>
      position <= 1
        ? `You are next in the queue; estimated wait: about ${minutes(waitMinutes, 'en')}.`
        : `You are number ${position} in the queue; estimated wait: about ${minutes(waitMinutes, 'en')}.`,
    positionUpdate: ({ position, waitMinutes }) =>
      `Still with you: you are now number ${position} in the queue; estimated wait: about ${minutes(waitMinutes, 'en')}.`,
    assigned: () => 'A person from the team is with you now. Write your question here.',
    transferred: ({ queue }) => `We are passing you to the ${queue} team. They will be with you shortly.`,
    cancelled: () => 'All right, I have cancelled the wait. If you need anything else, just ask.',
    slaBreached: () => 'Sorry, the wait is taking longer than expected. You are still in the queue; if you no longer need it, write "cancel".',
    abandoned: () => 'We could not attend you in time and closed the wait. If you still need it, write "I want to talk to a person" again.',
    surveyQuestion: () => 'How would you rate the help you received? Choose from 1 (very poor) to 5 (very good).',
    surveyThanks: () => 'Thank you for your rating! If you have another question, I am here.',
  },
};

/** Lowercase, without accents, punctuation or repeated spaces: what the phrase rules match on. */
export function normalizePhrase(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[·¿?¡!.,;:"'«»()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const HOW_LONG = [
  'cuanto falta', 'cuanto queda', 'cuanto tarda', 'cuanto tiempo', 'cuanto mas', 'que posicion', 'mi posicion', 'mi turno', 'me queda mucho',
  'quant falta', 'quant queda', 'quant trigara', 'quant temps',
  'canto falta', 'canto queda', 'canto tempo', 'canto tarda',
  'zenbat falta', 'zenbat denbora', 'zenbat geratzen',
  'how long', 'how much longer', 'my position', 'what position', 'whats my place',
];

const CANCEL = [
  'ya no hace falta', 'no hace falta', 'cancelar', 'cancela', 'cancelalo', 'olvidalo', 'dejalo', 'ya no lo necesito', 'ya esta resuelto',
  'ja no cal', 'no cal', 'cancel lar', 'cancella', 'deixa ho', 'ja no ho necessito',
  'xa non fai falta', 'non fai falta', 'xa non o necesito', 'deixao',
  'ez da beharrezkoa', 'ez da behar', 'utzi', 'ezeztatu', 'bertan behera',
  'cancel', 'never mind', 'nevermind', 'no longer needed', 'not needed anymore', 'forget it',
];

function matchesShort(text: string, phrases: readonly string[], maxLength: number): boolean {
  const normalized = normalizePhrase(text);
  if (normalized.length === 0 || normalized.length > maxLength) return false;
  return phrases.some((phrase) => normalized === phrase || normalized.startsWith(`${phrase} `) || normalized.endsWith(` ${phrase}`) || normalized.includes(` ${phrase} `));
}

/** True for a short "how long is left?" question in any of the five languages. */
export function isHowLongQuestion(text: string): boolean {
  return matchesShort(text, HOW_LONG, 60);
}

/**
 * True for a short cancel ("ya no hace falta", "cancelar"): only short messages count, so
 * "quiero cancelar mi cita del padrón" still reaches the agent as a question.
 */
export function isCancelRequest(text: string): boolean {
  const normalized = normalizePhrase(text);
  if (normalized.split(' ').length > 5) return false;
  return matchesShort(text, CANCEL, 40);
}

/** A survey rating (1–5) from a button payload (`survey:N`) or a typed digit; otherwise undefined. */
export function parseRating(text: string | undefined, payload: string | undefined): number | undefined {
  const fromPayload = payload === undefined ? undefined : /^survey:([1-5])$/.exec(payload)?.[1];
  if (fromPayload !== undefined) return Number(fromPayload);
  const trimmed = text?.trim();
  // A rating is a few characters; the length check keeps any pattern cheap on a long message.
  if (trimmed === undefined || trimmed.length > 40) return undefined;
  // Spaces belong to the part after them (an optional group is kept only when its word follows), so
  // a run of spaces splits one way only: four free-standing `\s*` sharing one run made a former
  // pattern backtrack for minutes on "5" + 500 spaces + "x".
  const match = /^([1-5])(?:\s*\/\s*5)?(?:\s*(?:estrellas?|stars?|izarr\w*|estrel\w*))?\s*[.!]?$/i.exec(trimmed);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * The estimate a waiting citizen was given has run out: they are told a new one, once per
 * estimate (kept apart from {@link QUEUE_TEXT} so the two can change independently).
 */
export const WAIT_EXCEEDED_TEXT: Record<Language, (p: { position: number; waitMinutes: number }) => string> = {
  es: ({ position, waitMinutes }) =>
    `Perdona, la espera se está alargando más de lo que te dijimos. Sigues en la posición ${position}; nueva espera estimada: unos ${minutes(waitMinutes, 'es')}.`,
  ca: ({ position, waitMinutes }) =>
    `Perdona, l'espera s'està allargant més del que et vam dir. Continues a la posició ${position}; nova espera estimada: uns ${minutes(waitMinutes, 'ca')}.`,
  gl: ({ position, waitMinutes }) =>
    `Desculpa, a espera está a alongarse máis do que che dixemos. Segues na posición ${position}; nova espera estimada: uns ${minutes(waitMinutes, 'gl')}.`,
  eu: ({ position, waitMinutes }) =>
    `Barkatu, itxaronaldia esan genizuna baino luzeagoa izaten ari da. ${position}. postuan jarraitzen duzu; itxaron-denbora berria: ${minutes(waitMinutes, 'eu')} inguru.`,
  en: ({ position, waitMinutes }) =>
    `Sorry, the wait is taking longer than we told you. You are still number ${position} in the queue; new estimated wait: about ${minutes(waitMinutes, 'en')}.`,
};
