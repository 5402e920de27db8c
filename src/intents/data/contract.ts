/**
 * Data-backed answers: an intent whose answer is computed from data (the tax calendar, GTFS
 * timetables) rather than written text. The answer step asks the provider registered for the
 * detected intent; `undefined` means "fall back to the written answer".
 */
import type { Language, OutboundMessage } from '../../core/message.js';

export interface DataAnswerInput {
  readonly intent: string;
  readonly text: string;
  readonly language: Language;
  /** The turn's clock (VENTANILLA_NOW overrides it). */
  readonly now: Date;
}

export interface DataAnswer {
  /** One or more messages (a `choices` message when several stops match). */
  readonly messages: readonly OutboundMessage[];
}

export interface DataAnswerProvider {
  /** Intent ids this provider answers (e.g. `renta.plazos`, `transporte.horarios`). */
  readonly intents: readonly string[];
  answer(input: DataAnswerInput): Promise<DataAnswer | undefined>;
  /**
   * The intent this provider answers when the message is only the name of something it knows (a
   * stop: "Estación Norte" asks for its next departures), else undefined. Never throws.
   */
  claims?(text: string): string | undefined;
}
