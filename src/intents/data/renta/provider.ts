/**
 * Data-backed answers for the tax campaign (`renta.plazos`, `renta.pago`, `renta.cita`): the
 * campaign's dates compared with "now" in the calendar's zone (Europe/Madrid).
 */
import type { Language, OutboundMessage } from '../../../core/message.js';
import type { DataAnswer, DataAnswerInput, DataAnswerProvider } from '../contract.js';
import { basqueYearSuffix, compareDates, formatDate, localDateOf, type LocalDate } from '../time.js';
import type { DateWindow, RentaCalendar, RentaCampaign } from './calendar.js';
import { PAYMENT_WORDS, RENTA_TEXTS, type CampaignWords, type Phase, type RequestState, type WindowWords } from './texts.js';

export const RENTA_INTENTS = ['renta.plazos', 'renta.pago', 'renta.cita'] as const;

/** Where `today` falls in the campaigns: the running one, else the next one, else the last one. */
export function campaignAt(calendar: RentaCalendar, today: LocalDate): { campaign: RentaCampaign; phase: Phase } {
  for (const campaign of calendar.campaigns) {
    if (compareDates(today, campaign.onlineFiling.end) <= 0) {
      return { campaign, phase: compareDates(today, campaign.onlineFiling.start) < 0 ? 'before' : 'during' };
    }
  }
  // The schema guarantees at least one campaign.
  const last = calendar.campaigns[calendar.campaigns.length - 1] as RentaCampaign;
  return { campaign: last, phase: 'after' };
}

function requestState(window: DateWindow, today: LocalDate): RequestState {
  if (compareDates(today, window.start) < 0) return 'upcoming';
  return compareDates(today, window.end) <= 0 ? 'open' : 'closed';
}

function stripAccents(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '');
}

/**
 * Creates the tax-calendar provider. It always answers its intents (the calendar is local data),
 * so it never returns `undefined` once loaded.
 */
export function createRentaProvider(calendar: RentaCalendar): DataAnswerProvider {
  return {
    intents: RENTA_INTENTS,
    async answer(input: DataAnswerInput): Promise<DataAnswer | undefined> {
      if (!(RENTA_INTENTS as readonly string[]).includes(input.intent)) return undefined;
      const today = localDateOf(input.now, calendar.timezone);
      const { campaign, phase } = campaignAt(calendar, today);
      const language: Language = input.language;
      const texts = RENTA_TEXTS[language];
      const fmt = (date: LocalDate, withYear = true): string => formatDate(date, language, withYear);
      const year = language === 'eu' ? `${campaign.taxYear}${basqueYearSuffix(campaign.taxYear)}` : String(campaign.taxYear);
      const words: CampaignWords = {
        year,
        start: fmt(campaign.onlineFiling.start),
        end: fmt(campaign.onlineFiling.end),
        debitEnd: fmt(campaign.directDebitEnd),
        url: calendar.officialUrl,
      };
      const debitOpen = compareDates(today, campaign.directDebitEnd) <= 0;
      let message: OutboundMessage;

      if (input.intent === 'renta.cita' && phase !== 'after') {
        const windowWords = (requests: DateWindow, service: DateWindow): WindowWords => ({
          requestsFrom: fmt(requests.start, false),
          requestsUntil: fmt(requests.end, false),
          serviceFrom: fmt(service.start, false),
          serviceUntil: fmt(service.end, false),
        });
        const automatic = calendar.phones.automatic[0] ?? '';
        const personal = calendar.phones.personal[0] ?? '';
        const text = [
          texts.citaPhone(requestState(campaign.phoneRequests, today), windowWords(campaign.phoneRequests, campaign.phoneService)),
          texts.citaInPerson(requestState(campaign.inPersonRequests, today), windowWords(campaign.inPersonRequests, campaign.inPersonService)),
          texts.citaFooter(calendar.officialUrl, automatic, personal),
        ].join('\n');
        message = { kind: 'text', text, short: texts.citaShort(calendar.officialUrl, automatic) };
      } else {
        // A "plazos" question that talks about paying gets the payment answer: it carries the
        // direct-debit deadline, which is the date that matters to that citizen.
        const aboutPayment = input.intent === 'renta.pago' || PAYMENT_WORDS.test(stripAccents(input.text));
        const worded = aboutPayment ? texts.pago(phase, debitOpen, words) : texts.plazos(phase, debitOpen, words);
        message = { kind: 'text', text: worded.text, short: worded.short };
      }
      if (texts.note !== undefined && message.kind === 'text') {
        message = { ...message, text: `${message.text}\n${texts.note}` };
      }
      return { messages: [message] };
    },
  };
}
