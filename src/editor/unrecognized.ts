/**
 * The inbox of unrecognised questions: citizen messages that fell to `None`, scored below the
 * answer threshold, or were escalated for low confidence. It listens to the hub's `transcript`
 * events; the citizen entry is annotated only when its turn commits, so the inbox reads the
 * transcript when the turn's bot/system entries arrive. Text is masked before it is stored;
 * each transcript entry is filed at most once (unique `entry_id`).
 */
import { randomUUID } from 'node:crypto';
import type { HubEventMap, HubEvents } from '../core/events.js';
import { FEEDBACK_EVENT } from '../core/feedback-payload.js';
import { followUpSignal, isNegativeReply } from './inbox-signals.js';
import { isLanguage, type Language } from '../core/message.js';
import type { Store } from '../core/store/index.js';
import type { TranscriptEntry } from '../core/store/types.js';
import { HubError } from '../core/errors.js';
import { normalizeText, wordsOf } from '../intents/normalize.js';
import { editorDb, type EditorDb } from './schema.js';
import { maskPersonalData } from '../privacy/index.js';
import type { EditorStore } from './content-store.js';

/** A group of similar open questions. `id` is the id to assign or dismiss the whole group by. */
export interface UnrecognizedGroup {
  readonly id: string;
  readonly text: string;
  readonly count: number;
  readonly language: Language | null;
  readonly reasons: Readonly<Record<string, number>>;
  /** The intents the bot answered these questions with (answered reasons only), with how often. */
  readonly answeredWith: Readonly<Record<string, number>>;
  /** The highest score among the group's answered questions (a confident wrong answer shows 0.99). */
  readonly topScore: number | null;
  /** What the reasons refer to: the answers rated 👎, the follow-ups that said "no" (masked, up to 3). */
  readonly details: readonly { readonly reason: string; readonly text: string }[];
  readonly examples: readonly string[];
  readonly lastSeen: string;
}

const STOPWORDS = new Set(['el', 'la', 'los', 'las', 'de', 'del', 'un', 'una', 'y', 'o', 'que', 'en', 'a', 'al', 'me', 'mi', 'se', 'por', 'para', 'con', 'es', 'the', 'a', 'to', 'of', 'i', 'is', 'and', 'el', 'els', 'les', 'i', 'o', 'os', 'as', 'da', 'do', 'eta', 'lo', 'le', 'su']);

/** Default {@link UnrecognizedOptions.confidenceMargin}. */
export const DEFAULT_CONFIDENCE_MARGIN = 0.1;

/**
 * Why a question is in the inbox, weakest first: a question filed for one reason is re-filed for
 * a later one (a 👎 says more than a low score).
 */
export const INBOX_REASONS = ['low-margin', 'low-confidence', 'none', 'escalated', 'rephrased', 'followed-no', 'followed-person', 'thumbs-down'] as const;
export type InboxReason = (typeof INBOX_REASONS)[number];

/** Reasons of questions the bot did answer (with an intent and a score worth showing). */
const ANSWERED_REASONS: ReadonlySet<string> = new Set(['low-margin', 'rephrased', 'followed-no', 'followed-person', 'thumbs-down']);

function rank(reason: string): number {
  return (INBOX_REASONS as readonly string[]).indexOf(reason);
}

interface Candidate {
  readonly entry: TranscriptEntry;
  readonly text: string;
  readonly reason: InboxReason;
  /** The answer rated down, or the follow-up that rejected it (unmasked: masked when filed). */
  readonly detail: string | null;
}

/** Longest question text the inbox keeps. */
export const INBOX_TEXT_LIMIT = 500;
/**
 * How much of a citizen text is masked before it is cut to {@link INBOX_TEXT_LIMIT}: every
 * channel caps text at 10,000 characters or less, so a current message is masked whole; a longer
 * text (stored before the caps existed) is never masked whole.
 */
const INBOX_MASK_WINDOW = 10_000;

/**
 * The masked, shortened text the inbox files. The text is cut before it is masked, and when the
 * cut went through the text, the last word of the window (which may be half an e-mail address or
 * a number) is dropped before masking.
 */
export function inboxText(text: string): string {
  if (text.length <= INBOX_MASK_WINDOW) return maskPersonalData(text).slice(0, INBOX_TEXT_LIMIT);
  let end = INBOX_MASK_WINDOW;
  while (end > 0 && !/\s/.test(text.charAt(end - 1))) end -= 1;
  // A window without any space has no word to drop.
  return maskPersonalData(text.slice(0, end === 0 ? INBOX_MASK_WINDOW : end)).slice(0, INBOX_TEXT_LIMIT);
}

/** The words that decide similarity: normalised, without stop words, sorted and unique. */
export function similarityKey(text: string): string {
  return [...new Set(wordsOf(normalizeText(text)).filter((w) => !STOPWORDS.has(w) && w.length > 1))].sort().join(' ');
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let common = 0;
  for (const word of a) if (b.has(word)) common += 1;
  return common / (a.size + b.size - common);
}

export interface UnrecognizedOptions {
  readonly store: Store;
  readonly editorStore: EditorStore;
  readonly events: HubEvents;
  /** Below this score a recognised intent still counts as unrecognised (the policy's answer threshold). */
  readonly lowScore: () => number;
  /**
   * An answer given less than this above the answer threshold is filed as `low-margin` (default
   * {@link DEFAULT_CONFIDENCE_MARGIN}): it went out, but barely.
   */
  readonly confidenceMargin?: () => number;
  readonly clock?: () => Date;
  readonly onError?: (error: unknown) => void;
}

/** Files unrecognised questions and lets editors assign or dismiss them. */
export class UnrecognizedInbox {
  private readonly db: EditorDb;
  private readonly clock: () => Date;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly listener = (event: { readonly conversationId: string; readonly entry: TranscriptEntry; readonly relayed?: boolean }) => {
    // Another instance's turn is filed by that instance.
    if (event.relayed === true) return;
    // The citizen entry is annotated at turn commit: the bot/system entries of the turn follow it.
    if (event.entry.author === 'citizen') return;
    const task: Promise<void> = this.scan(event.conversationId)
      .then(() => undefined, (error: unknown) => this.options.onError?.(error))
      .finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  };

  private readonly feedbackListener = (event: HubEventMap['custom'][0]) => {
    if (event.relayed === true || event.type !== FEEDBACK_EVENT || event.data.value !== 'down') return;
    const { conversationId } = event;
    const entryId = event.data.entryId;
    if (conversationId === undefined || typeof entryId !== 'string') return;
    const task: Promise<void> = this.fileThumbsDown(conversationId, entryId)
      .then(() => undefined, (error: unknown) => this.options.onError?.(error))
      .finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  };

  constructor(private readonly options: UnrecognizedOptions) {
    this.db = editorDb(options.store);
    this.clock = options.clock ?? (() => new Date());
  }

  start(): void {
    this.options.events.on('transcript', this.listener);
    this.options.events.on('custom', this.feedbackListener);
  }

  async stop(): Promise<void> {
    this.options.events.off('transcript', this.listener);
    this.options.events.off('custom', this.feedbackListener);
    await this.idle();
  }

  /** Waits until every pending scan is filed (tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Files the recent questions of one conversation that the bot did not answer well (idempotent):
   * unrecognised (`none`), below the answer threshold (`low-confidence`), escalated for low
   * confidence (`escalated`), answered but within the confidence margin above the threshold
   * (`low-margin`), and answered however confidently but followed within 60 s by a "no", a request
   * for a person or the same question again (`followed-no`, `followed-person`, `rephrased`).
   * A question filed for a weaker reason is re-filed for a stronger one ({@link REASON_RANK}).
   */
  async scan(conversationId: string): Promise<number> {
    const entries = await this.options.store.getTranscript(conversationId, { limit: 30 });
    const candidates: Candidate[] = [];
    const threshold = this.options.lowScore();
    const margin = this.options.confidenceMargin?.() ?? DEFAULT_CONFIDENCE_MARGIN;
    for (const [index, entry] of entries.entries()) {
      if (entry.author !== 'citizen' || entry.kind !== 'text' || entry.text === null || entry.intent === null) continue;
      if (entry.intent.startsWith('emergencia.')) continue;
      const nextCitizen = entries.findIndex((e, i) => i > index && e.author === 'citizen');
      const turn = entries.slice(index + 1, nextCitizen === -1 ? index + 6 : nextCitizen);
      const escalated = turn.some((e) => e.author === 'system' && JSON.stringify(e.data ?? {}).includes('low-confidence'));
      const none = entry.intent === 'None';
      const low = entry.score !== null && entry.score < threshold;
      const text = entry.text;
      // A bare "no" is what the citizen thought of the answer before it (filed there), not a question.
      if ((none || low) && !escalated && isNegativeReply(text)) continue;
      if (none || low || escalated) {
        candidates.push({ entry, text, reason: escalated ? 'escalated' : none ? 'none' : 'low-confidence', detail: null });
        continue;
      }
      // Answered: was the answer any good? The next citizen message says so (or the score does).
      const answer = [...turn].reverse().find((e) => e.author === 'bot' && e.outboxId !== null);
      if (answer === undefined) continue;
      const next = nextCitizen === -1 ? undefined : entries[nextCitizen];
      const signal =
        next !== undefined && next.kind === 'text' && next.text !== null
          ? followUpSignal(text, answer.createdAt, { text: next.text, intent: next.intent, at: next.createdAt })
          : undefined;
      if (signal !== undefined && next !== undefined) {
        candidates.push({ entry, text, reason: signal, detail: next.text });
        continue;
      }
      if (entry.score !== null && entry.score < threshold + margin) candidates.push({ entry, text, reason: 'low-margin', detail: answer.text });
    }
    return this.file(conversationId, candidates);
  }

  /**
   * Files the question a citizen rated 👎 the answer to: the citizen message before that bot
   * answer (`thumbs-down`, shown even when the answer was given at 0.99).
   */
  async fileThumbsDown(conversationId: string, answerEntryId: string): Promise<number> {
    const entries = await this.options.store.getTranscript(conversationId, { limit: 300 });
    const at = entries.findIndex((entry) => entry.id === answerEntryId);
    if (at === -1) return 0;
    const answer = entries[at];
    const question = entries.slice(0, at).reverse().find((entry) => entry.author === 'citizen');
    if (answer === undefined || question === undefined || question.kind !== 'text' || question.text === null) return 0;
    return this.file(conversationId, [{ entry: question, text: question.text, reason: 'thumbs-down', detail: answer.text }]);
  }

  private async file(conversationId: string, candidates: readonly Candidate[]): Promise<number> {
    if (candidates.length === 0) return 0;
    // Every bot or system entry triggers a scan: entries filed before are not read (or masked)
    // again, unless a stronger reason re-files them.
    const filedRows = await this.db
      .selectFrom('editor_unrecognized')
      .select(['entry_id', 'reason', 'status'])
      .where('entry_id', 'in', candidates.map((candidate) => candidate.entry.id))
      .execute();
    const filed = new Map(filedRows.map((row) => [row.entry_id, row]));
    let inserted = 0;
    for (const { entry, text: raw, reason, detail } of candidates) {
      const existing = filed.get(entry.id);
      if (existing !== undefined) {
        if (existing.status !== 'open' || rank(reason) <= rank(existing.reason)) continue;
        await this.db
          .updateTable('editor_unrecognized')
          .set({ reason, detail: detail === null ? null : inboxText(detail) })
          .where('entry_id', '=', entry.id)
          .where('status', '=', 'open')
          .execute();
        filed.set(entry.id, { ...existing, reason });
        continue;
      }
      const text = inboxText(raw);
      const result = await this.db
        .insertInto('editor_unrecognized')
        .values({
          id: randomUUID(),
          group_key: similarityKey(text),
          text,
          language: entry.language,
          intent: entry.intent,
          score: entry.score,
          reason,
          detail: detail === null ? null : inboxText(detail),
          conversation_id: conversationId,
          entry_id: entry.id,
          status: 'open',
          assigned_intent: null,
          resolved_by: null,
          created_at: entry.createdAt.toISOString(),
          resolved_at: null,
        })
        .onConflict((oc) => oc.column('entry_id').doNothing())
        .executeTakeFirst();
      inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
      filed.set(entry.id, { entry_id: entry.id, reason, status: 'open' });
    }
    return inserted;
  }

  private async openRows() {
    return this.db.selectFrom('editor_unrecognized').selectAll().where('status', '=', 'open').orderBy('created_at', 'desc').limit(5000).execute();
  }

  /** Open questions grouped by similarity (word overlap ≥ 0.6), biggest groups first. */
  async groups(): Promise<UnrecognizedGroup[]> {
    const clusters = clusterRows(await this.openRows());
    return clusters
      .map((rows) => {
        const reasons: Record<string, number> = {};
        const answeredWith: Record<string, number> = {};
        let topScore: number | null = null;
        for (const row of rows) {
          reasons[row.reason] = (reasons[row.reason] ?? 0) + 1;
          if (ANSWERED_REASONS.has(row.reason) && row.intent !== null && row.intent !== 'None') {
            answeredWith[row.intent] = (answeredWith[row.intent] ?? 0) + 1;
            if (row.score !== null && (topScore === null || row.score > topScore)) topScore = row.score;
          }
        }
        const first = rows[0];
        const language = first?.language ?? null;
        return {
          id: first?.id ?? '',
          text: first?.text ?? '',
          count: rows.length,
          language: isLanguage(language) ? language : null,
          reasons,
          answeredWith,
          topScore,
          details: uniqueDetails(rows),
          examples: [...new Set(rows.map((r) => r.text))].slice(0, 5),
          lastSeen: first?.created_at ?? '',
        };
      })
      .sort((a, b) => b.count - a.count || b.lastSeen.localeCompare(a.lastSeen));
  }

  private async groupOf(id: string) {
    const rows = await this.openRows();
    const cluster = clusterRows(rows).find((c) => c.some((row) => row.id === id));
    if (cluster === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `no open unrecognised question "${id}" (already assigned or dismissed?)`);
    return cluster;
  }

  /** Adds the group's questions as training utterances of `intentId` in the draft and closes them. */
  async assign(id: string, intentId: string, actor: string): Promise<{ added: number; intentId: string }> {
    const intent = await this.options.editorStore.getDraftIntent(intentId);
    if (intent === undefined) throw new HubError('HUB_ERR_BAD_PAYLOAD', `intentId: no intent "${intentId}" in the draft`, { details: { field: 'intentId' } });
    const cluster = await this.groupOf(id);
    const utterances: Partial<Record<Language, string[]>> = Object.fromEntries(Object.entries(intent.utterances).map(([l, list]) => [l, [...(list ?? [])]]));
    let added = 0;
    for (const row of cluster) {
      const language: Language = isLanguage(row.language) ? row.language : 'es';
      const list = utterances[language] ?? [];
      if (!list.includes(row.text)) {
        list.push(row.text);
        added += 1;
      }
      utterances[language] = list;
    }
    await this.options.editorStore.updateIntent({ ...intent, utterances }, actor, 'unrecognized.assign');
    await this.close(cluster.map((r) => r.id), 'assigned', intentId, actor);
    return { added, intentId };
  }

  /** Dismisses the whole group. */
  async dismiss(id: string, actor: string): Promise<{ dismissed: number }> {
    const cluster = await this.groupOf(id);
    await this.close(cluster.map((r) => r.id), 'dismissed', null, actor);
    await this.options.editorStore.audit(actor, 'unrecognized.dismiss', id, { count: cluster.length });
    return { dismissed: cluster.length };
  }

  private async close(ids: readonly string[], status: string, intentId: string | null, actor: string): Promise<void> {
    await this.db
      .updateTable('editor_unrecognized')
      .set({ status, assigned_intent: intentId, resolved_by: actor, resolved_at: this.clock().toISOString() })
      .where('id', 'in', ids)
      .execute();
  }
}

function uniqueDetails(rows: readonly { readonly reason: string; readonly detail: string | null }[]): { reason: string; text: string }[] {
  const seen = new Set<string>();
  const details: { reason: string; text: string }[] = [];
  for (const row of rows) {
    if (row.detail === null || seen.has(`${row.reason}\n${row.detail}`)) continue;
    seen.add(`${row.reason}\n${row.detail}`);
    details.push({ reason: row.reason, text: row.detail });
    if (details.length === 3) break;
  }
  return details;
}

type Row = { id: string; group_key: string; text: string; language: string | null; reason: string; created_at: string };

function clusterRows<T extends Row>(rows: readonly T[]): T[][] {
  const clusters: { words: Set<string>; rows: T[] }[] = [];
  for (const row of rows) {
    const words = new Set(row.group_key.split(' ').filter((w) => w.length > 0));
    const home = clusters.find((c) => jaccard(c.words, words) >= 0.6);
    if (home === undefined) clusters.push({ words, rows: [row] });
    else home.rows.push(row);
  }
  return clusters.map((c) => c.rows);
}
