/**
 * What the rest of the hub sees of the intent engine. `src/intents` implements it; the app wires
 * its middlewares into the turn pipeline between the handoff `mode` step and the commit.
 */
import type { Language } from '../core/message.js';
import type { Middleware } from '../core/pipeline.js';

export interface IntentScore {
  readonly intent: string;
  readonly score: number;
}

/** One classification, exactly as a live turn sees it (safety net included). */
export interface IntentResult {
  readonly intent: string;
  readonly score: number;
  readonly language: Language;
  /** How the language was chosen. */
  readonly languageSource: 'hint' | 'conversation' | 'detected' | 'default';
  /** Best intents first (the winner included). */
  readonly alternatives: readonly IntentScore[];
  /** True when the safety net raised a definite emergency (a phrase rule or its classifier). */
  readonly safety: boolean;
  /**
   * The safety net's band when it saw a risk: `definite` (fixed answer + urgent handoff) or
   * `possible` (the FAQ answer plus the number and the offer of a person). `intent` is then the
   * emergency line; absent when no risk was seen.
   */
  readonly safetyBand?: 'definite' | 'possible';
}

export interface ClassifyOptions {
  /** A language hint: a locale (`en-US`, `ca-ES-valencia`) or a language code (`eu`). */
  readonly languageHint?: string;
  /**
   * How much `languageHint` weighs. `profile` (the default: a participant's `locale`, a browser's
   * `navigator.language`, Telegram `language_code`) yields to clear evidence in the text, even a
   * short "hola"; `explicit` (`nlu try --lang`, an eval line's `lang`) yields only to a long
   * message that is strongly in another language.
   */
  readonly languageHintStrength?: 'explicit' | 'profile';
  /** The language remembered for the conversation. */
  readonly conversationLanguage?: Language | null;
}

/** The intent engine with its decision policy, as the app and the CLI use it. */
export interface IntentsModule {
  /** Emergency safety net: runs first, cannot be switched off by content edits. */
  readonly safety: Middleware;
  /** Language detection, NLU and the answer step, in that order. */
  readonly understand: readonly Middleware[];
  classify(text: string, options?: ClassifyOptions): Promise<IntentResult>;
  /** True once a model is trained or loaded. */
  ready(): boolean;
}
