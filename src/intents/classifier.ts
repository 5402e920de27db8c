/**
 * One classification exactly as a live turn decides it: normalise, choose the language, run the
 * safety rules, then the NLU, then the decision policy's thresholds.
 */
import type { Language } from '../core/message.js';
import type { ClassifyOptions, IntentResult, IntentScore } from './contract.js';
import { NONE_INTENT, isEmergencyIntent, type EmergencyIntent } from './content/catalogue.js';
import type { PolicyFile } from './content/schema.js';
import type { IntentEngine } from './engine.js';
import type { LanguageDetector } from './language.js';
import { hasWords, nluTextOf, normalizeForNlu, normalizeText, wordsOf } from './normalize.js';
import { isSafetyIdiom, matchSafetyRules } from './safety.js';

/** What the policy decided for one text. */
export type Decision =
  | { readonly kind: 'emergency'; readonly intent: EmergencyIntent; readonly rule?: string }
  | { readonly kind: 'answer'; readonly intent: string }
  | { readonly kind: 'clarify'; readonly intents: readonly string[] }
  | { readonly kind: 'not-understood' };

/** A classification plus the policy's decision. */
export interface Analysis {
  readonly result: IntentResult;
  readonly decision: Decision;
}

type Thresholds = PolicyFile['thresholds'];

export class Classifier {
  constructor(
    private readonly engine: IntentEngine,
    private readonly detector: LanguageDetector,
    private readonly thresholds: Thresholds,
    /**
     * Words of each language found only in the emergency intents' training utterances. An NLU
     * guess of `emergencia.*` (the phrase rules aside) needs one of them in the text: otherwise
     * the guess rests on words every intent shares ("i want to…", "quiero…") and is a false alarm
     * ("I want to play FIFA", "want to hug"). Absent: no gate.
     */
    private readonly emergencyVocabulary?: Readonly<Record<Language, ReadonlySet<string>>>,
  ) {}

  /** Chooses the language only (used for turns without text). */
  chooseLanguage(text: string, options: ClassifyOptions = {}): { language: Language; source: IntentResult['languageSource'] } {
    const choice = this.detector.choose(normalizeForNlu(text), options.languageHint, options.conversationLanguage, options.languageHintStrength);
    return { language: choice.language, source: choice.source };
  }

  /** Classifies one text; never throws on odd input (emoji, HTML, 5,000 characters). */
  async analyze(text: string, options: ClassifyOptions = {}): Promise<Analysis> {
    const normalized = normalizeText(text);
    const nluText = nluTextOf(normalized);
    const choice = this.detector.choose(nluText, options.languageHint, options.conversationLanguage, options.languageHintStrength);
    const base = { language: choice.language, languageSource: choice.source };
    // The phrase rules read the whole message, not only the part the NLU sees.
    const match = matchSafetyRules(normalized);
    if (match) {
      const result: IntentResult = { ...base, intent: match.intent, score: 1, alternatives: [{ intent: match.intent, score: 1 }], safety: true };
      return { result, decision: { kind: 'emergency', intent: match.intent, rule: match.rule } };
    }
    if (!hasWords(nluText)) {
      const result: IntentResult = { ...base, intent: NONE_INTENT, score: 1, alternatives: [{ intent: NONE_INTENT, score: 1 }], safety: false };
      return { result, decision: { kind: 'not-understood' } };
    }
    let alternatives: IntentScore[] = await this.engine.scores(choice.language, nluText);
    // The emergency vetoes only matter when an emergency could win or be offered as a choice.
    if (alternatives.some((candidate, index) => isEmergencyIntent(candidate.intent) && (index === 0 || candidate.score >= this.thresholds.clarifyFloor))) {
      if (isSafetyIdiom(normalized)) {
        // "me muero de risa": never an emergency, whatever the classifier thinks.
        alternatives = alternatives.filter((candidate) => !isEmergencyIntent(candidate.intent));
      }
      const vocabulary = this.emergencyVocabulary?.[choice.language];
      if (vocabulary !== undefined && !wordsOf(nluText).some((word) => vocabulary.has(word))) {
        alternatives = alternatives.filter((candidate) => !isEmergencyIntent(candidate.intent));
      }
    }
    const decision = this.decide(alternatives);
    const top = alternatives[0] ?? { intent: NONE_INTENT, score: 1 };
    const intent = decision.kind === 'answer' || decision.kind === 'emergency' ? decision.intent : decision.kind === 'clarify' ? (decision.intents[0] ?? NONE_INTENT) : NONE_INTENT;
    const result: IntentResult = { ...base, intent, score: top.score, alternatives: alternatives.slice(0, 5), safety: false };
    return { result, decision };
  }

  private decide(alternatives: readonly IntentScore[]): Decision {
    const best = alternatives[0];
    if (best !== undefined && isEmergencyIntent(best.intent)) {
      if (best.score >= this.thresholds.emergency) return { kind: 'emergency', intent: best.intent };
      // A hesitant emergency guess ("hay un socavón enorme") is a false alarm more often than not;
      // real emergencies are caught by the phrase rules. Decide on the other candidates.
      return this.decide(alternatives.filter((candidate) => !isEmergencyIntent(candidate.intent)));
    }
    const top = best;
    const second = alternatives[1];
    if (top === undefined || top.intent === NONE_INTENT) return { kind: 'not-understood' };
    const close =
      second !== undefined &&
      second.intent !== NONE_INTENT &&
      second.score >= this.thresholds.clarifyFloor &&
      top.score - second.score < this.thresholds.clarifyMargin;
    if (close) {
      const intents = alternatives
        .filter((candidate) => candidate.intent !== NONE_INTENT && candidate.score >= this.thresholds.clarifyFloor && top.score - candidate.score < this.thresholds.clarifyMargin)
        .slice(0, 3)
        .map((candidate) => candidate.intent);
      return { kind: 'clarify', intents };
    }
    if (top.score >= this.thresholds.answer) return { kind: 'answer', intent: top.intent };
    return { kind: 'not-understood' };
  }
}
