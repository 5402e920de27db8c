/**
 * What a citizen's next message says about the answer they just got, in es/ca/gl/eu/en: a "no"
 * ("no es eso", "iso non", "ez da hori"), a request for a person, or the same question asked
 * again in other words. Pure functions over text; the inbox applies them to the next citizen
 * message of the same conversation within {@link FOLLOW_UP_WINDOW_MS} of the answer.
 */
import { AGENT_INTENT } from '../intents/content/catalogue.js';
import { normalizeText, wordsOf } from '../intents/normalize.js';

/** A follow-up later than this after the answer says nothing about it. */
export const FOLLOW_UP_WINDOW_MS = 60_000;

/** Why a follow-up counts against the answer before it. */
export type FollowUpSignal = 'followed-no' | 'followed-person' | 'rephrased';

// Normalised (lower case, no accents, apostrophes kept) and without final punctuation.
const NEGATIVE_REPLIES = new Set([
  // es
  'no', 'nop', 'noo', 'que no', 'no es eso', 'eso no', 'no era eso', 'no es lo que he preguntado', 'no es lo que pregunte', 'no me sirve', 'no me ayuda', 'no me ayuda nada', 'no me has entendido', 'no has entendido', 'no me entiendes', 'no entiendes', 'incorrecto', 'mal', 'esta mal', 'respuesta incorrecta', 'tampoco',
  // ca
  'no es aixo', 'aixo no', 'no era aixo', "no m'ajuda", 'no em serveix', "no m'has entes", 'no ho has entes', 'incorrecte', 'malament', 'tampoc',
  // gl
  'non', 'non e iso', 'iso non', 'non era iso', 'non me serve', 'non me axuda', 'non me entendes', 'non entendiches', 'tampouco',
  // eu
  'ez', 'ez da hori', 'hori ez', 'ez zen hori', 'ez dit balio', 'ez nau laguntzen', 'ez didazu ulertu', 'ez duzu ulertu', 'gaizki', 'okerra', 'ez horixe', 'ezta',
  // en
  'nope', 'nah', 'not that', "that's not it", 'thats not it', 'not what i asked', 'wrong', 'wrong answer', 'not helpful', "that doesn't help", 'that does not help', "doesn't help", "you don't understand", 'incorrect', 'no thanks that is wrong',
]);
/** Words that open a correction ("no, lo que quiero es…"): a negation followed by a comma or stop. */
const NEGATION_OPENERS = /^(?:no|non|ez|nope|nah|wrong|incorrecto|incorrecte)\s*[,.;:!]/;

const POLITE_CLOSING = /^(?:no|non|ez|nope)\s+(?:gracias|moltes gracies|gracies|merci|grazas|moitas grazas|eskerrik asko|eskerrik|thanks|thank you|thx)(?:\s|$)/;

const PERSON_WORDS = new Set([
  'persona', 'humano', 'humana', 'agente', 'operador', 'operadora', 'funcionario', 'funcionaria', 'alguien', // es
  'huma', 'agent', 'algu', // ca
  'persoa', 'axente', 'alguen', // gl
  'pertsona', 'gizaki', 'gizakia', 'langile', 'langilea', 'norbait', 'norbaitekin', 'agentea', // eu
  'person', 'human', 'someone', 'somebody', 'representative', 'operator', // en
]);
/** A request for a person is short; a long question that names a "persona" is about something else. */
const PERSON_MAX_WORDS = 8;

const STOPWORDS = new Set([
  // es
  'el', 'la', 'los', 'las', 'lo', 'de', 'del', 'un', 'una', 'unos', 'unas', 'y', 'o', 'que', 'en', 'a', 'al', 'me', 'mi', 'se', 'por', 'para', 'con', 'es', 'esta', 'como', 'donde', 'cuando', 'cual', 'quiero', 'saber', 'hay', 'puedo', 'pero', 'su', 'sus', 'le', 'te', 'tu',
  // ca
  'els', 'les', 'i', 'on', 'quan', 'quin', 'quina', 'vull', 'puc', 'amb', 'per', 'meu', 'meva', 'hi', 'ha', 'l', 'd', 'em', 'et', 'es',
  // gl
  'os', 'as', 'da', 'do', 'das', 'dos', 'na', 'no', 'nos', 'onde', 'cando', 'como', 'queria', 'podo', 'cun', 'unha', 'e', 'ou', 'ao',
  // eu
  'eta', 'edo', 'da', 'dago', 'daude', 'non', 'noiz', 'nola', 'zer', 'nire', 'nahi', 'dut', 'bat', 'ba', 'al', 'ere', 'izan',
  // greetings and courtesy, every language: "hola" twice is not a question asked again
  'hola', 'buenos', 'buenas', 'dias', 'tardes', 'noches', 'gracias', 'bon', 'bona', 'bones', 'tarda', 'gracies', 'ola', 'bos', 'boas', 'grazas', 'kaixo', 'egun', 'arratsalde', 'eskerrik', 'asko', 'hello', 'hi', 'good', 'morning', 'afternoon', 'evening', 'thanks', 'thank', 'you', 'please', 'favor', 'porfa',
  // en
  'the', 'an', 'to', 'of', 'is', 'are', 'and', 'or', 'in', 'on', 'at', 'for', 'my', 'me', 'do', 'does', 'can', 'how', 'what', 'where', 'when', 'which', 'want', 'know', 'it', 'this', 'that', 'there',
]);

function clean(text: string): string {
  return normalizeText(text).replace(/[¿?¡!.…,;:"«»()]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** True for a reply that rejects the answer before it ("no", "no es eso", "iso non", "ez da hori", "that's not it"). */
export function isNegativeReply(text: string): boolean {
  const normalized = normalizeText(text).trim();
  // "No, gracias" closes a conversation politely; it does not reject the answer.
  if (POLITE_CLOSING.test(clean(text))) return false;
  if (NEGATION_OPENERS.test(normalized)) return true;
  const bare = clean(text);
  if (NEGATIVE_REPLIES.has(bare)) return true;
  // "no, gracias" is polite, not a rejection; "no no", "no!!" are.
  const words = bare.split(' ');
  return words.length > 1 && words.length <= 3 && words.every((word) => NEGATIVE_REPLIES.has(word));
}

/** True for a short message asking for a person, or one the classifier read as the person request. */
export function asksForPerson(text: string, intent?: string | null): boolean {
  if (intent === AGENT_INTENT) return true;
  const words = wordsOf(normalizeText(text));
  return words.length > 0 && words.length <= PERSON_MAX_WORDS && words.some((word) => PERSON_WORDS.has(word));
}

/** The content words of a text: normalised, without the stop words of the five languages. */
export function contentWords(text: string): string[] {
  return [...new Set(wordsOf(normalizeText(text)).filter((word) => word.length > 1 && !STOPWORDS.has(word)))];
}

function trigrams(words: readonly string[]): Map<string, number> {
  const grams = new Map<string, number>();
  for (const word of words) {
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i += 1) {
      const gram = padded.slice(i, i + 3);
      grams.set(gram, (grams.get(gram) ?? 0) + 1);
    }
  }
  return grams;
}

/**
 * How alike two questions are, 0–1: the larger of the content-word overlap (Jaccard) and the
 * character-trigram overlap (Dice) of their content words. Trigrams carry inflection and
 * agglutination ("geltokia" / "geltokiak", "autobús" / "autobuses") that whole words miss.
 */
export function questionSimilarity(a: string, b: string): number {
  const wordsA = contentWords(a);
  const wordsB = contentWords(b);
  if (wordsA.length === 0 || wordsB.length === 0) return 0;
  const setB = new Set(wordsB);
  const common = wordsA.filter((word) => setB.has(word)).length;
  const jaccard = common / (wordsA.length + wordsB.length - common);
  const gramsA = trigrams(wordsA);
  const gramsB = trigrams(wordsB);
  let shared = 0;
  let total = 0;
  for (const [gram, count] of gramsA) {
    shared += Math.min(count, gramsB.get(gram) ?? 0);
    total += count;
  }
  for (const count of gramsB.values()) total += count;
  const dice = total === 0 ? 0 : (2 * shared) / total;
  return Math.max(jaccard, dice);
}

/** At or above this {@link questionSimilarity} a next question is the same one asked again. */
export const REPHRASE_SIMILARITY = 0.45;

/** True when `next` asks `previous` again in other (or the same) words. */
export function isRephrase(previous: string, next: string): boolean {
  if (contentWords(next).length === 0) return false;
  return questionSimilarity(previous, next) >= REPHRASE_SIMILARITY;
}

/**
 * What the next citizen message says about an answer: `followed-person`, `followed-no`,
 * `rephrased`, or undefined (a new question, or later than {@link FOLLOW_UP_WINDOW_MS}).
 */
export function followUpSignal(question: string, answeredAt: Date, next: { readonly text: string; readonly intent?: string | null; readonly at: Date }): FollowUpSignal | undefined {
  const elapsed = next.at.getTime() - answeredAt.getTime();
  if (elapsed < 0 || elapsed > FOLLOW_UP_WINDOW_MS) return undefined;
  if (asksForPerson(next.text, next.intent)) return 'followed-person';
  if (isNegativeReply(next.text)) return 'followed-no';
  if (isRephrase(question, next.text)) return 'rephrased';
  return undefined;
}
