/**
 * Filling a canned response's variables so the citizen never reads a hole: `{nombre}` (the
 * citizen's name, or a neutral greeting / nothing when unknown), `{agente}` (the agent's display
 * name) and `{cola}` (the queue's name). The result is in sentence case, with single spaces.
 */
import { catalogue } from '../../core/i18n.js';
import type { Language } from '../../core/message.js';

/** The variables a canned response may use. */
export const CANNED_VARIABLES = ['nombre', 'agente', 'cola'] as const;
export type CannedVariable = (typeof CANNED_VARIABLES)[number];

const ANY_VARIABLE = /\{([^{}\s]{1,40})\}/g;
const KNOWN_VARIABLE = /\{(nombre|agente|cola)\}/g;

/** The variables in `template` the hub cannot fill (empty when all are known): `["cita"]` for "{cita}". */
export function unknownVariables(template: string): string[] {
  const known = new Set<string>(CANNED_VARIABLES);
  return [...new Set([...template.matchAll(ANY_VARIABLE)].map((match) => match[1] ?? ''))].filter((name) => !known.has(name));
}

/** Trimmed, whitespace runs (new lines included) made one space: a name is one line. */
function oneLine(value: string | null | undefined): string {
  return (value ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * The agent's name as the citizen reads it: as stored, except that an all-lowercase one (a
 * display name that defaulted to the login, "ana") gets capital initials ("Ana").
 */
export function agentDisplayName(stored: string): string {
  const name = oneLine(stored);
  if (name !== name.toLocaleLowerCase('es') || name === name.toLocaleUpperCase('es')) return name;
  return name.replace(/(^|[\s'’-])(\p{Ll})/gu, (_whole, before: string, letter: string) => `${before}${letter.toLocaleUpperCase('es')}`);
}

/** The citizen's name as a channel gave it, or '' when it has no letter or digit (",,", "…", an emoji): that is no name to greet. */
function citizenNameOf(value: string | null | undefined): string {
  const name = oneLine(value);
  return /[\p{L}\p{N}]/u.test(name) ? name : '';
}

export interface CannedValues {
  readonly language: Language;
  /** The citizen's name; null, empty or blank when unknown. */
  readonly citizenName: string | null | undefined;
  readonly agentName: string;
  readonly queueName: string;
}

/** Removes a variable left without a value, with the comma or space that joined it to the sentence. */
function dropVariable(text: string, name: CannedVariable): string {
  return text.replace(new RegExp(`[ \\t]*,?[ \\t]*\\{${name}\\}`, 'g'), '');
}

/** Single spaces, no space before punctuation, no leading comma, first letter upper-case. */
function tidy(text: string, language: Language): string {
  const spaced = text
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').replace(/ ([,.;:!?])/g, '$1').replace(/,+([,.;:!?])/g, '$1').trim())
    .join('\n')
    .replace(/^[\s,;:]+/, '')
    .trim();
  return spaced.replace(/^([¿¡"«(]*)(\p{Ll})/u, (_whole, opening: string, letter: string) => `${opening}${letter.toLocaleUpperCase(language)}`);
}

/**
 * `template` with its variables filled. An unknown citizen name becomes the language's neutral
 * greeting when the text opens by addressing them ("{nombre}, puedes…" → "Hola, puedes…") and
 * disappears elsewhere ("Hola {nombre}, soy…" → "Hola, soy…"). Values are inserted once: a name
 * that contains "{cola}" stays as written. Variables the hub does not know are left untouched
 * (saving such a template is refused: see {@link unknownVariables}).
 */
export function fillCanned(template: string, values: CannedValues): string {
  const filled: Record<CannedVariable, string> = {
    nombre: citizenNameOf(values.citizenName),
    agente: agentDisplayName(values.agentName),
    cola: oneLine(values.queueName),
  };
  let text = template;
  if (filled.nombre === '' && /^\s*\{nombre\}\s*,/.test(text)) {
    text = text.replace(/^\s*\{nombre\}\s*,\s*/, `${catalogue().text(values.language, 'canned.greeting')}, `);
  }
  for (const name of CANNED_VARIABLES) if (filled[name] === '') text = dropVariable(text, name);
  text = text.replace(KNOWN_VARIABLE, (_whole, name: CannedVariable) => filled[name]);
  return tidy(text, values.language);
}
