/**
 * The safety corpus (`config/safety/<lang>.jsonl`, described in config/safety/README.md): what the
 * safety classifier trains on and what its k-fold evaluation measures.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HubError } from '../../core/errors.js';
import { LANGUAGES, type Language } from '../../core/message.js';
import { EMERGENCY_INTENTS, type EmergencyIntent } from '../content/catalogue.js';

/** A safety label: one of the three lines, or `none` (nobody in danger). */
export type SafetyLabel = EmergencyIntent | 'none';

export const SAFETY_LABELS: readonly SafetyLabel[] = [...EMERGENCY_INTENTS, 'none'];

/** One labelled message of the safety corpus. */
export interface SafetyExample {
  readonly text: string;
  readonly label: SafetyLabel;
  readonly language: Language;
  /** A short tag for reading errors (`choking`, `figurative`, …); `faq` for FAQ utterances. */
  readonly topic: string;
}

/** The default corpus folder (`config/safety` at the project root). */
export const DEFAULT_SAFETY_DIR = fileURLToPath(new URL('../../../config/safety/', import.meta.url));

function isSafetyLabel(value: unknown): value is SafetyLabel {
  return typeof value === 'string' && (SAFETY_LABELS as readonly string[]).includes(value);
}

/**
 * Parses one language file. Throws `HUB_ERR_CONTENT` naming the file, the line and the fix on
 * invalid JSON, a missing `text`, or a label outside 112/016/024/none. Blank lines are skipped.
 */
export function parseSafetyCorpus(source: string, language: Language, fileName = `${language}.jsonl`): SafetyExample[] {
  const examples: SafetyExample[] = [];
  source.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim().length === 0) return;
    const where = `${fileName}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new HubError('HUB_ERR_CONTENT', `${where}: not valid JSON. Fix: one JSON object per line, e.g. {"text": "...", "label": "none", "topic": "figurative"}`, { cause: error });
    }
    const record = (typeof value === 'object' && value !== null ? value : {}) as { text?: unknown; label?: unknown; topic?: unknown };
    if (typeof record.text !== 'string' || record.text.trim().length === 0) {
      throw new HubError('HUB_ERR_CONTENT', `${where}: needs a non-empty string "text"`);
    }
    if (!isSafetyLabel(record.label)) {
      throw new HubError('HUB_ERR_CONTENT', `${where}: "label" must be one of ${SAFETY_LABELS.join(', ')}`);
    }
    examples.push({ text: record.text, label: record.label, language, topic: typeof record.topic === 'string' && record.topic.length > 0 ? record.topic : 'untagged' });
  });
  return examples;
}

/** Reads every `<lang>.jsonl` present in `dir` (missing languages are skipped). */
export async function loadSafetyCorpus(dir: string = DEFAULT_SAFETY_DIR): Promise<SafetyExample[]> {
  const examples: SafetyExample[] = [];
  for (const language of LANGUAGES) {
    const path = join(dir, `${language}.jsonl`);
    if (!existsSync(path)) continue;
    examples.push(...parseSafetyCorpus(await readFile(path, 'utf8'), language, path));
  }
  return examples;
}
