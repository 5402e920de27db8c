/**
 * Diff between two content sets: which intents were added, removed or changed, and how the
 * utterance and answer counts moved. Stored with each version and shown in the history.
 */
import { LANGUAGES } from '../core/message.js';
import type { EditorContent, EditorIntent } from './types.js';

export interface IntentChange {
  readonly id: string;
  /** What changed: `utterances.es`, `answers.en`, `enabled`, `title`, `handoffQueue`, `domain`. */
  readonly fields: readonly string[];
  readonly utterancesDelta: number;
}

export interface DiffSummary {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly IntentChange[];
  readonly utterances: { readonly before: number; readonly after: number };
  readonly answers: { readonly before: number; readonly after: number };
  readonly entitiesChanged: boolean;
  readonly policyChanged: boolean;
}

function utteranceCount(intent: EditorIntent): number {
  return LANGUAGES.reduce((sum, l) => sum + (intent.utterances[l]?.length ?? 0), 0);
}

function answerCount(intent: EditorIntent): number {
  return LANGUAGES.filter((l) => intent.answers[l] !== undefined).length;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** What changed from `before` to `after` (either may be empty). */
export function diffContent(before: EditorContent | undefined, after: EditorContent): DiffSummary {
  const old = new Map((before?.intents ?? []).map((i) => [i.id, i]));
  const now = new Map(after.intents.map((i) => [i.id, i]));
  const added = [...now.keys()].filter((id) => !old.has(id)).sort();
  const removed = [...old.keys()].filter((id) => !now.has(id)).sort();
  const changed: IntentChange[] = [];
  for (const [id, intent] of now) {
    const previous = old.get(id);
    if (previous === undefined) continue;
    const fields: string[] = [];
    for (const key of ['domain', 'enabled', 'handoffQueue', 'title'] as const) if (!same(previous[key], intent[key])) fields.push(key);
    for (const l of LANGUAGES) if (!same(previous.utterances[l], intent.utterances[l])) fields.push(`utterances.${l}`);
    for (const l of LANGUAGES) if (!same(previous.answers[l], intent.answers[l])) fields.push(`answers.${l}`);
    // A changed fallback changes what citizens get in that language: it is a change worth publishing.
    for (const l of LANGUAGES) if (!same(previous.fallback?.[l], intent.fallback?.[l])) fields.push(`fallback.${l}`);
    if (fields.length > 0) changed.push({ id, fields, utterancesDelta: utteranceCount(intent) - utteranceCount(previous) });
  }
  changed.sort((a, b) => a.id.localeCompare(b.id));
  const sum = (list: readonly EditorIntent[], f: (i: EditorIntent) => number) => list.reduce((s, i) => s + f(i), 0);
  return {
    added,
    removed,
    changed,
    utterances: { before: sum(before?.intents ?? [], utteranceCount), after: sum(after.intents, utteranceCount) },
    answers: { before: sum(before?.intents ?? [], answerCount), after: sum(after.intents, answerCount) },
    entitiesChanged: before !== undefined && !same(before.entities, after.entities),
    policyChanged: before !== undefined && !same(before.policy, after.policy),
  };
}

/** True when the diff changes nothing (publishing it would be pointless). */
export function isEmptyDiff(diff: DiffSummary): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0 && !diff.entitiesChanged && !diff.policyChanged;
}
