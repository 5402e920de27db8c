/**
 * One classification exactly as a live turn decides it: normalise, choose the language, run the
 * safety net (rules and its classifier: definite or possible emergency), then the NLU, then the
 * decision policy's thresholds. The FAQ model's own emergency intents can only raise a possible
 * risk; a definite emergency is the safety net's call.
 */
import type { Language } from '../core/message.js';
import type { ClassifyOptions, IntentResult, IntentScore } from './contract.js';
import { NONE_INTENT, isEmergencyIntent, type EmergencyIntent } from './content/catalogue.js';
import type { PolicyFile } from './content/schema.js';
import type { IntentEngine } from './engine.js';
import type { LanguageDetector } from './language.js';
import { expandColloquial, hasWords, nluTextOf, normalizeForNlu, normalizeText, wordsOf } from './normalize.js';
import type { NgramModel } from './ngram.js';
import type { SpellingCorrector } from './spelling.js';
import { isSafetyIdiom, SafetyNet } from './safety/index.js';

/** What the policy decided for one text. */
export type Decision =
  | { readonly kind: 'emergency'; readonly intent: EmergencyIntent; readonly rule?: string }
  | { readonly kind: 'answer'; readonly intent: string }
  | { readonly kind: 'clarify'; readonly intents: readonly string[] }
  | { readonly kind: 'not-understood' };

/**
 * A possible emergency: the evidence is uncertain, so the bot answers what it can (the decision)
 * and also gives this line's number and offers a person.
 */
export interface PossibleRisk {
  readonly intent: EmergencyIntent;
  /** Emergency probability of the safety classifier, or the NLU's emergency score. */
  readonly score: number;
  readonly source: 'safety-model' | 'nlu';
}

/** A classification plus the policy's decision. */
export interface Analysis {
  readonly result: IntentResult;
  readonly decision: Decision;
  /** Set when the message is in the safety net's "possible risk" band (never with an emergency decision). */
  readonly risk?: PossibleRisk;
}

type Thresholds = PolicyFile['thresholds'];

/** How sure the Spanish reading of a non-Spanish message must be to replace its own reading. */
const SPANISH_FALLBACK_SCORE = 0.8;

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
    /** The safety net (rules + its own classifier); absent: the phrase rules only. */
    private readonly safetyNet: SafetyNet = SafetyNet.rulesOnly(),
    /** Per language, the corrector built from its training words; absent: no spelling correction. */
    private readonly spelling?: Readonly<Partial<Record<Language, SpellingCorrector>>>,
    /** Per language, the n-gram model blended with nlp.js's scores; absent: nlp.js alone. */
    private readonly ngram?: Readonly<Partial<Record<Language, NgramModel>>>,
  ) {}

  /**
   * The FAQ model's reading of `nluText` in `language`: the blended scores (best first) and
   * nlp.js's own, which the clarify rule also reads (see {@link Classifier.decide}).
   */
  private async read(language: Language, nluText: string): Promise<{ modelText: string; blended: IntentScore[]; nlpjs: IntentScore[] }> {
    const modelText = this.nluInput(language, nluText);
    const nlpjs = await this.engine.scores(language, modelText);
    const model = this.ngram?.[language];
    return { modelText, blended: model === undefined ? nlpjs : model.blend(modelText, nlpjs), nlpjs };
  }

  /**
   * What the FAQ model reads in `language`: SMS shorthands written out ("xq" → "porque"), then
   * unknown words corrected against the corpus ("cetificado" → "certificado").
   */
  nluInput(language: Language, nluText: string): string {
    const expanded = expandColloquial(nluText, language);
    return this.spelling?.[language]?.correct(expanded) ?? expanded;
  }

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
    // The safety net reads the whole message, not only the part the NLU sees.
    const verdict = this.safetyNet.assess(normalized);
    if (verdict.band === 'definite') {
      const result: IntentResult = { ...base, intent: verdict.intent, score: verdict.risk, alternatives: [{ intent: verdict.intent, score: verdict.risk }], safety: true, safetyBand: 'definite' };
      return { result, decision: { kind: 'emergency', intent: verdict.intent, ...(verdict.rule === undefined ? {} : { rule: verdict.rule }) } };
    }
    let risk: PossibleRisk | undefined = verdict.band === 'possible' ? { intent: verdict.intent, score: verdict.risk, source: 'safety-model' } : undefined;
    if (!hasWords(nluText)) {
      const result: IntentResult = { ...base, intent: NONE_INTENT, score: 1, alternatives: [{ intent: NONE_INTENT, score: 1 }], safety: false };
      return { result, decision: { kind: 'not-understood' } };
    }
    let reading = await this.read(choice.language, nluText);
    const first = reading.blended[0];
    // A Catalan, Galician, Basque or English message that mixes in Spanish words ("la renta noiz
    // arte dago?") may be read better by the Spanish model: it is asked only when the chosen
    // language's reading is out of scope or unsure, and its reading kept only when it is sure.
    if (choice.language !== 'es' && (first === undefined || first.intent === NONE_INTENT || first.score < this.thresholds.answer)) {
      const spanish = await this.read('es', nluText);
      const spanishFirst = spanish.blended[0];
      if (spanishFirst !== undefined && spanishFirst.intent !== NONE_INTENT && !isEmergencyIntent(spanishFirst.intent) && spanishFirst.score >= SPANISH_FALLBACK_SCORE) reading = spanish;
    }
    const { modelText, nlpjs } = reading;
    let alternatives: IntentScore[] = reading.blended;
    // The emergency vetoes only matter when an emergency could win or be offered as a choice.
    if (alternatives.some((candidate, index) => isEmergencyIntent(candidate.intent) && (index === 0 || candidate.score >= this.thresholds.clarifyFloor))) {
      const best = alternatives[0];
      const vocabulary = this.emergencyVocabulary?.[choice.language];
      const vetoed = isSafetyIdiom(normalized) || (vocabulary !== undefined && !wordsOf(modelText).some((word) => vocabulary.has(word)));
      // A confident emergency guess of the FAQ model that passes the vetoes is a possible risk: the
      // safety net's own classifier decides what is definite.
      if (!vetoed && risk === undefined && best !== undefined && isEmergencyIntent(best.intent) && best.score >= this.thresholds.emergency) {
        risk = { intent: best.intent, score: best.score, source: 'nlu' };
      }
      // "me muero de risa": never an emergency, whatever the classifier thinks; and the FAQ
      // answer below is chosen among the other intents.
      alternatives = alternatives.filter((candidate) => !isEmergencyIntent(candidate.intent));
    }
    const decision = this.decide(alternatives, nlpjs);
    const top = alternatives[0] ?? { intent: NONE_INTENT, score: 1 };
    const faqIntent = decision.kind === 'answer' || decision.kind === 'emergency' ? decision.intent : decision.kind === 'clarify' ? (decision.intents[0] ?? NONE_INTENT) : NONE_INTENT;
    if (risk !== undefined) {
      // What evaluation and the transcript see: the possible emergency (the answer step still uses `decision`).
      const result: IntentResult = { ...base, intent: risk.intent, score: risk.score, alternatives: [{ intent: risk.intent, score: risk.score }, ...alternatives.slice(0, 4)], safety: false, safetyBand: 'possible' };
      return { result, decision, risk };
    }
    const result: IntentResult = { ...base, intent: faqIntent, score: top.score, alternatives: alternatives.slice(0, 5), safety: false };
    return { result, decision };
  }

  /** The FAQ decision among non-emergency intents (emergencies are the safety net's to decide). */
  private decide(scored: readonly IntentScore[], nlpjs: readonly IntentScore[] = scored): Decision {
    const alternatives = scored.filter((candidate) => !isEmergencyIntent(candidate.intent));
    const top = alternatives[0];
    if (top === undefined || top.intent === NONE_INTENT) return { kind: 'not-understood' };
    const close = this.closeCandidates(alternatives);
    if (close.length >= 2) return { kind: 'clarify', intents: close.slice(0, 3) };
    // The blend is more decisive than nlp.js alone, so a question that really names two topics
    // ("¿certificado digital u objetos perdidos?") no longer comes out close. nlp.js's own
    // distribution still does: when it finds two topics close and the blend agrees on which two
    // lead, the citizen is asked, as before the blend.
    const raw = this.closeCandidates(nlpjs.filter((candidate) => !isEmergencyIntent(candidate.intent)));
    const leaders = new Set(alternatives.slice(0, raw.length).map((candidate) => candidate.intent));
    if (raw.length >= 2 && raw[0] === top.intent && raw.every((intent) => leaders.has(intent))) return { kind: 'clarify', intents: raw.slice(0, 3) };
    // Words the n-gram model never saw (a place name, "garching") spread its share over every
    // intent and can pull a blended score under the answer threshold that nlp.js alone clears: when
    // nlp.js is sure of the same intent, its confidence stands.
    const nlpjsTop = nlpjs.find((candidate) => !isEmergencyIntent(candidate.intent));
    if (top.score >= this.thresholds.answer || (nlpjsTop?.intent === top.intent && nlpjsTop.score >= this.thresholds.answer)) return { kind: 'answer', intent: top.intent };
    return { kind: 'not-understood' };
  }

  /** The intents within the clarify margin of the best one (best first), or none when the best is None. */
  private closeCandidates(alternatives: readonly IntentScore[]): string[] {
    const top = alternatives[0];
    const second = alternatives[1];
    if (top === undefined || top.intent === NONE_INTENT || second === undefined || second.intent === NONE_INTENT) return [];
    if (second.score < this.thresholds.clarifyFloor || top.score - second.score >= this.thresholds.clarifyMargin) return [];
    return alternatives
      .filter((candidate) => candidate.intent !== NONE_INTENT && candidate.score >= this.thresholds.clarifyFloor && top.score - candidate.score < this.thresholds.clarifyMargin)
      .slice(0, 3)
      .map((candidate) => candidate.intent);
  }
}
