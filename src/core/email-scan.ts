/**
 * Finding e-mail addresses in linear time. The textbook pattern `[local]+@[domain]+\.[tld]{2,}`
 * run as one regular expression is quadratic on a long run of address characters without an `@`
 * (each start position rescans the run): 10,000 letters cost 60 ms, a million freeze the process.
 * This scanner gives the same matches as that pattern (leftmost, greedy) in one pass: it cuts the
 * text into maximal words of local-part characters and `@`, and only a word that holds an `@` is
 * looked at further, one `@` at a time.
 */

/** Character classes of an e-mail pattern, as the inside of `[…]` in a `u`-flag RegExp. */
export interface EmailClasses {
  /** Characters of the local part (before the `@`); must include every domain character. */
  readonly local: string;
  /** Characters of the domain part (labels and dots). */
  readonly domain: string;
  /** Letters of the top-level domain (at least two). */
  readonly tld: string;
}

/** Replaces what it finds in a text; `replace` receives each match and returns its replacement. */
export type TextReplacer = (text: string, replace: (match: string) => string) => string;

/**
 * Builds a replacer equivalent to `text.replace(/[local]+@[domain]+\.[tld]{2,}/gu, replace)`,
 * in time linear in the text's length whatever the text.
 */
export function createEmailReplacer(classes: EmailClasses): TextReplacer {
  // Maximal runs of local characters and '@': no backtracking, each character is read once.
  // '@' comes first: a class ending in '-' followed by '@' would read as a range.
  const word = new RegExp(`[@${classes.local}]+`, 'gu');
  // Anchored (sticky) on the text after one '@': the greedy domain backs off to the last dot that
  // is followed by two letters; each character is passed over a bounded number of times.
  const domain = new RegExp(`[${classes.domain}]+\\.[${classes.tld}]{2,}`, 'uy');

  function domainLength(segment: string): number {
    domain.lastIndex = 0;
    const match = domain.exec(segment);
    return match === null ? 0 : match[0].length;
  }

  return (text, replace) =>
    text.replace(word, (run) => {
      if (!run.includes('@')) return run;
      const segments = run.split('@');
      let output = '';
      // The local-part candidate: everything since the run start, the last '@' or the last match.
      let pending = segments[0] ?? '';
      for (let index = 1; index < segments.length; index += 1) {
        const next = segments[index] ?? '';
        const length = pending === '' ? 0 : domainLength(next);
        if (length > 0) {
          output += replace(`${pending}@${next.slice(0, length)}`);
          pending = next.slice(length);
        } else {
          output += `${pending}@`;
          pending = next;
        }
      }
      return output + pending;
    });
}
