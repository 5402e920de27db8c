/**
 * What the NLU reads of an e-mail: the citizen's own words, without the quoted history (Gmail,
 * Outlook, Apple Mail, Thunderbird attributions in es/ca/gl/eu/en), the signature and the
 * "sent from my phone" lines. Line by line with anchored, bounded patterns: linear in the text.
 * The transcript keeps the whole message; this only decides what is classified.
 */

/** Longest text looked at (a longer body is cut before cleaning; the NLU reads far less). */
const MAX_CLEAN_INPUT = 100_000;

/** "On … wrote:" style attributions; the head may wrap onto a second line (Gmail does). */
const ATTRIBUTION_HEAD = /^(?:on|el|le|am|o|em|il|op|the|a|en)\s/i;
const ATTRIBUTION_TAIL = /(?:wrote|escribió|escribio|va escriure|escriure|escribiu|a écrit|schrieb|scrisse|escreveu|idatzi zuen|schreef):\s*$/i;
/** Outlook/Exchange separators and forwarded-message markers. */
const SEPARATOR = /^(?:-{2,}\s*(?:original message|mensaje original|missatge original|mensaxe orixinal|jatorrizko mezua|forwarded message|mensaje reenviado|missatge reenviat|mensaxe reenviada|message transféré)\s*-{2,}|_{10,}\s*)$/i;
/** The header block Outlook writes above quoted mail ("De: …" then "Enviado: …"). */
const OUTLOOK_FROM = /^\*?(?:from|de|von|nork|da):\*?\s/i;
const OUTLOOK_SENT = /^\*?(?:sent|enviado(?: el)?|enviat|date|fecha|data|data de envío|gesendet|bidalia):\*?\s/i;
/** RFC 3676 signature separator. */
const SIGNATURE = /^-- ?$/;
/** "Sent from my iPhone", "Enviado desde mi móvil", "Get Outlook for Android"… */
const MOBILE_FOOTER = /^(?:sent from (?:my |mail for |yahoo mail|outlook)|sent with |get outlook for |enviado desde (?:mi |el |correo para |yahoo|outlook)|enviat des de(?:l)? (?:meu |el |correu per a )?|obtener outlook para |obtén outlook para |descarga outlook para |enviado con |enviado desde mi |bidalia nire |enviado dende o meu )/i;
const IMAGE_LINK = /^\[(?:https?|cid):[^\]\s]{1,2000}\]$/i;
/** A closing line near the end starts the signature ("Un saludo,", "Atentamente", "Best regards"). */
const CLOSING = /^(?:un saludo|saludos(?: cordiales)?|atentamente|cordialmente|muchas gracias|gracias|salutacions|cordialment|una salutació|moltes gràcies|atentament|un saúdo|saúdos|agur|ondo izan|best regards|kind regards|regards|best wishes|thanks|thank you|sincerely)[,.!]?\s*$/i;
/** How close to the end a closing line must be to count as the start of the signature. */
const CLOSING_WINDOW = 6;

/** The citizen's own words of an e-mail body (see module comment); may be empty. */
export function cleanForNlu(body: string): string {
  const lines = body.slice(0, MAX_CLEAN_INPUT).replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = (lines[index] ?? '').trim();
    if (line.startsWith('>')) continue;
    if (SEPARATOR.test(line) || SIGNATURE.test(line)) break;
    if (line.length <= 400 && ATTRIBUTION_HEAD.test(line)) {
      if (ATTRIBUTION_TAIL.test(line)) break;
      const next = (lines[index + 1] ?? '').trim();
      if (next.length <= 400 && ATTRIBUTION_TAIL.test(`${line} ${next}`)) break;
    }
    if (OUTLOOK_FROM.test(line) && OUTLOOK_SENT.test((lines[index + 1] ?? '').trim())) break;
    if (line.length <= 200 && MOBILE_FOOTER.test(line)) continue;
    // An image of an HTML mail as html-to-text writes it ("[https://…/pixel.gif]"): not words.
    if (IMAGE_LINK.test(line)) continue;
    kept.push(line);
  }
  // Signature: from a closing line among the last few non-empty lines.
  const nonEmpty = kept.map((line, index) => (line === '' ? -1 : index)).filter((index) => index !== -1);
  const window = nonEmpty.slice(-CLOSING_WINDOW);
  const closing = window.find((index) => CLOSING.test(kept[index] ?? ''));
  // Never cut the only line: "Gracias" alone is what the citizen said.
  const words = closing === undefined || closing === nonEmpty[0] ? kept : kept.slice(0, closing);
  return words.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** The whole body without quoted (`>`) lines: the fallback when the citizen's part is empty (a bare forward). */
export function withoutQuotes(body: string): string {
  return body
    .slice(0, MAX_CLEAN_INPUT)
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .filter((line) => !line.trim().startsWith('>'))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
