/**
 * Minimal typings for the parts of nlp.js v4 the intent engine uses (the packages ship no types).
 */
declare module '@nlpjs/core' {
  export interface NlpjsContainer {
    use(plugin: unknown): void;
    get(name: string): unknown;
  }
  export function containerBootstrap(settings?: Record<string, unknown>): NlpjsContainer;
}

declare module '@nlpjs/nlp' {
  import type { NlpjsContainer } from '@nlpjs/core';
  export interface NlpjsClassification {
    intent: string;
    score: number;
  }
  export interface NlpjsProcessResult {
    locale: string;
    utterance: string;
    intent: string;
    score: number;
    classifications?: NlpjsClassification[];
  }
  export interface NlpjsNluManager {
    process(input: { locale: string; utterance: string; settings: Record<string, unknown> }): Promise<NlpjsProcessResult>;
  }
  export class Nlp {
    constructor(settings: Record<string, unknown>, container?: NlpjsContainer);
    settings: Record<string, unknown>;
    /** The intent classifier alone (what `process()` runs before NER, answers, actions and context). */
    nluManager: NlpjsNluManager;
    container: NlpjsContainer;
    use(plugin: unknown): void;
    addLanguage(locales: string | string[]): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    process(locale: string, utterance: string): Promise<NlpjsProcessResult>;
  }
}

declare module '@nlpjs/lang-es' {
  export const LangEs: unknown;
}
declare module '@nlpjs/lang-ca' {
  export const LangCa: unknown;
}
declare module '@nlpjs/lang-gl' {
  export const LangGl: unknown;
}
declare module '@nlpjs/lang-eu' {
  export const LangEu: unknown;
}
declare module '@nlpjs/lang-en' {
  export const LangEn: unknown;
}
declare module '@nlpjs/language' {
  export interface LanguageGuess {
    alpha3: string;
    alpha2: string;
    language: string;
    score: number;
  }
  export class Language {
    guess(text: string, allowList?: string[] | null, limit?: number): LanguageGuess[];
  }
}
