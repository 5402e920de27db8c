/**
 * Dropped, doubled, swapped and wrong letters ("cetificado", "empadornamiento", "horaro"): a word
 * the corpus of its language does not know is replaced by the one corpus word at one edit
 * (optimal string alignment: insertion, deletion, substitution or adjacent transposition), the
 * most frequent when several are. Symmetric-delete index (as SymSpell does), so a lookup costs a
 * handful of map reads instead of a scan of the vocabulary.
 */
import { wordsOf } from './normalize.js';

/** Words shorter than this are never corrected: at one edit, "mes" would become "mas", "les", "mis"… */
const MIN_LENGTH = 5;

function deletesOf(word: string): string[] {
  const deletes: string[] = [];
  for (let index = 0; index < word.length; index += 1) deletes.push(word.slice(0, index) + word.slice(index + 1));
  return deletes;
}

/** True when `a` and `b` are at most one insertion, deletion, substitution or adjacent swap apart. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) {
    const diffs: number[] = [];
    for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) diffs.push(index);
    if (diffs.length === 1) return true;
    const [first, second] = diffs;
    return diffs.length === 2 && first !== undefined && second === first + 1 && a[first] === b[second] && a[second] === b[first];
  }
  const [shorter, longer] = a.length < b.length ? [a, b] : [b, a];
  let index = 0;
  while (index < shorter.length && shorter[index] === longer[index]) index += 1;
  return shorter.slice(index) === longer.slice(index + 1);
}

/** A corrector for one language, built from the words of its training utterances. */
export class SpellingCorrector {
  private readonly frequency = new Map<string, number>();
  /**
   * A word, and each word with one letter deleted → the corpus words it may stand for. Built on
   * the first unknown word, not in the constructor: a publish builds a classifier on the request
   * thread, and most languages see no misspelt word for a while.
   */
  private index: Map<string, string[]> | undefined;

  /** `texts`: normalised utterances of one language. */
  constructor(texts: Iterable<string>) {
    for (const text of texts) for (const word of wordsOf(text)) this.frequency.set(word, (this.frequency.get(word) ?? 0) + 1);
  }

  private deleteIndex(): Map<string, string[]> {
    if (this.index !== undefined) return this.index;
    const index = new Map<string, string[]>();
    for (const word of this.frequency.keys()) {
      if (word.length < MIN_LENGTH - 1 || /\d/.test(word)) continue;
      for (const key of [word, ...deletesOf(word)]) {
        const list = index.get(key);
        if (list === undefined) index.set(key, [word]);
        else if (!list.includes(word)) list.push(word);
      }
    }
    this.index = index;
    return index;
  }

  /** How many distinct words the corpus has. */
  get vocabularySize(): number {
    return this.frequency.size;
  }

  /** The corpus word `word` most likely stands for, or `word` itself (known, short, or no close word). */
  correctWord(word: string): string {
    if (word.length < MIN_LENGTH || this.frequency.has(word) || /\d/.test(word)) return word;
    const index = this.deleteIndex();
    let best: string | undefined;
    let bestCount = 0;
    for (const key of [word, ...deletesOf(word)]) {
      for (const candidate of index.get(key) ?? []) {
        const count = this.frequency.get(candidate) ?? 0;
        if (count < bestCount || (count === bestCount && best !== undefined && candidate >= best)) continue;
        if (!withinOneEdit(word, candidate)) continue;
        best = candidate;
        bestCount = count;
      }
    }
    return best ?? word;
  }

  /** `text` (normalised) with every unknown word corrected; separators kept as they were. */
  correct(text: string): string {
    return text.replace(/[\p{L}\p{N}]+/gu, (word) => this.correctWord(word));
  }
}
