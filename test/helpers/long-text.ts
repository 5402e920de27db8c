/**
 * Long texts built to hit the worst case of naive text processing: runs that a pattern keeps
 * rescanning (address characters without an '@', digits, '+', whitespace), many '@' and dots,
 * '<' for tag strippers, '*' for markup. The channel tests send them as one citizen message.
 */

/** Adversarial texts of about `length` characters each. */
export function adversarialTexts(length: number): readonly string[] {
  const fill = (unit: string): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  return [fill('a'), fill('1'), fill('a.'), fill('a@b.'), `x@${fill('b.')}`, fill('+'), fill('aab'), fill('1 '), fill('ES12'), fill(' '), fill('<'), fill('**a'), fill('\n ')];
}

/**
 * One message of `length` characters mixing every adversarial run above (each a fair share of the
 * text). It starts with words no intent knows, so a real hub files it as an unrecognised question
 * (the path that masks personal data) and answers with its fallback.
 */
export function longCitizenMessage(length = 1_000_000): string {
  const head = 'Xyzzy plugh frobnicate quux. ';
  const runs = adversarialTexts(Math.floor((length - head.length) / 13));
  return (head + runs.join('')).padEnd(length, 'a').slice(0, length);
}
