/**
 * E-mail threads: one conversation per thread. A message joins a thread through `In-Reply-To`,
 * then `References` (newest first), then the hidden reference token the hub puts in each reply
 * (for clients that drop the headers), and only when the thread belongs to the same sender
 * address: a forged header or token can never let one person read another's conversation.
 * Replies carry `In-Reply-To`, `References` and a `Re:` subject (RFC 5322 §3.6.4).
 */
import { createHash, randomBytes } from 'node:crypto';

/** The longest `References` list the hub keeps or sends (RFC 5322 suggests trimming the middle). */
export const MAX_REFERENCES = 20;

const MESSAGE_ID = /<[^<>\s]{1,500}>/g;
/** `[ref:<16 hex>]`: written in the text and (hidden) HTML part of each reply. */
const REF_TOKEN = /\[ref:([0-9a-f]{16})\]/;

/** `<id@host>` from a header value (first id), or undefined. */
export function normalizeMessageId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const found = /<[^<>\s]{1,500}>/.exec(value.slice(0, 2000));
  if (found !== null) return found[0];
  const bare = value.trim();
  return /^[^<>\s]{1,500}$/.test(bare) && bare.includes('@') ? `<${bare}>` : undefined;
}

/** The Message-IDs of a `References` header, oldest first, at most {@link MAX_REFERENCES} (the newest). */
export function parseReferences(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const text = typeof value === 'string' ? value : value.join(' ');
  const ids = text.slice(0, 50_000).match(MESSAGE_ID) ?? [];
  return ids.slice(-MAX_REFERENCES);
}

/** The thread token in a text or subject, if any. */
export function findRefToken(text: string): string | undefined {
  return REF_TOKEN.exec(text)?.[1];
}

/** The token line written into replies. */
export function refTokenText(threadId: string): string {
  return `[ref:${threadId}]`;
}

/** A new thread id: derived from the first Message-ID (stable on a re-read), random without one. */
export function newThreadId(messageId: string | undefined): string {
  const seed = messageId ?? randomBytes(16).toString('hex');
  return createHash('sha256').update(seed).digest('hex').slice(0, 16);
}

/** What threading needs of the store. */
export interface ThreadLookup {
  findMessage(messageId: string): Promise<{ readonly mailbox: string; readonly threadId: string; readonly address: string } | undefined>;
  threadAddress(mailbox: string, threadId: string): Promise<string | undefined>;
}

export interface ThreadQuery {
  readonly mailbox: string;
  readonly address: string;
  readonly messageId?: string;
  readonly inReplyTo?: string;
  readonly references: readonly string[];
  /** Where a reference token may appear: the subject and the whole body (quoted part included). */
  readonly searchText: string;
}

/** The thread a message belongs to; `how` says which rule found it (logged, tested). */
export async function resolveThread(query: ThreadQuery, lookup: ThreadLookup): Promise<{ readonly threadId: string; readonly how: 'message-id' | 'in-reply-to' | 'references' | 'token' | 'new' }> {
  const sameSender = (entry: { mailbox: string; address: string } | undefined): boolean =>
    entry !== undefined && entry.mailbox === query.mailbox && entry.address === query.address;
  // A message read again (new UIDVALIDITY, copy in the mailbox) keeps the thread it had.
  if (query.messageId !== undefined) {
    const self = await lookup.findMessage(query.messageId);
    if (self !== undefined && sameSender(self)) return { threadId: self.threadId, how: 'message-id' };
  }
  if (query.inReplyTo !== undefined) {
    const parent = await lookup.findMessage(query.inReplyTo);
    if (sameSender(parent) && parent !== undefined) return { threadId: parent.threadId, how: 'in-reply-to' };
  }
  for (const reference of [...query.references].reverse()) {
    const entry = await lookup.findMessage(reference);
    if (sameSender(entry) && entry !== undefined) return { threadId: entry.threadId, how: 'references' };
  }
  const token = findRefToken(query.searchText);
  if (token !== undefined && (await lookup.threadAddress(query.mailbox, token)) === query.address) return { threadId: token, how: 'token' };
  return { threadId: newThreadId(query.messageId), how: 'new' };
}

const REPLY_PREFIX = /^\s*(?:re|aw|rv|res|resp|r|sv|antw|vs)\s*(?:\[\d{1,4}\])?\s*:/i;

/** `Re: <subject>` unless it already starts with a reply prefix (Re:, RE:, RV:, Aw:…). */
export function replySubject(subject: string | undefined, fallback: string): string {
  const base = (subject ?? '').replace(/\s+/g, ' ').trim();
  if (base === '') return `Re: ${fallback}`;
  return REPLY_PREFIX.test(base) ? base : `Re: ${base}`;
}

/** The subject without reply/forward prefixes (for the NLU and the console). */
export function baseSubject(subject: string): string {
  let rest = subject.replace(/\s+/g, ' ').trim();
  // Bounded: at most 10 stacked prefixes ("Re: RE: Fwd: …").
  for (let index = 0; index < 10; index += 1) {
    const next = rest.replace(/^(?:re|aw|rv|res|resp|r|sv|antw|vs|fw|fwd|reenv|i)\s*(?:\[\d{1,4}\])?\s*:\s*/i, '');
    if (next === rest) break;
    rest = next;
  }
  return rest;
}

/** Threading headers of a reply to the message `parentId` whose own references were `references`. */
export function replyThreading(parentId: string | undefined, references: readonly string[]): { readonly inReplyTo?: string; readonly references: readonly string[] } {
  if (parentId === undefined) return { references: references.slice(-MAX_REFERENCES) };
  const chain = [...references.filter((id) => id !== parentId), parentId];
  return { inReplyTo: parentId, references: chain.slice(-MAX_REFERENCES) };
}
