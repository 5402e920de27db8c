/**
 * Indicators from summed roll-up metrics. Counts are 0 on an empty period; a ratio whose
 * denominator is 0 is `null` (not measurable), never a made-up 0 %.
 */
import { WAIT_BOUNDS_SECONDS } from './definitions.js';

/** Summed values of one metric. */
export interface MetricSum {
  n: number;
  total: number;
  peak: number;
}

export type MetricSums = ReadonlyMap<string, MetricSum>;

export interface Indicators {
  readonly conversations: number;
  readonly citizenMessages: number;
  readonly botReplies: number;
  readonly agentReplies: number;
  readonly botAnswers: number;
  readonly contained: number;
  readonly containmentRate: number | null;
  readonly handoffs: number;
  readonly handoffRate: number | null;
  readonly handoffReasons: { readonly citizen: number; readonly lowConfidence: number; readonly emergency: number; readonly policy: number };
  readonly classified: number;
  readonly unrecognised: number;
  readonly unrecognisedRate: number | null;
  readonly answered: number;
  readonly answeredInServiceLevel: number;
  readonly serviceLevel: number | null;
  readonly serviceLevelTarget: number;
  readonly averageSpeedOfAnswerSeconds: number | null;
  readonly p90SpeedOfAnswerSeconds: number | null;
  readonly longestWaitSeconds: number | null;
  readonly abandoned: number;
  readonly abandonmentRate: number | null;
  readonly resolved: number;
  readonly averageHandlingTimeSeconds: number | null;
  readonly transfers: number;
  readonly transfersPerHandoff: number | null;
  readonly firstContactResolved: number;
  readonly firstContactResolution: number | null;
  readonly surveysOffered: number;
  readonly surveys: number;
  readonly surveyResponseRate: number | null;
  readonly satisfactionDistribution: { readonly 1: number; readonly 2: number; readonly 3: number; readonly 4: number; readonly 5: number };
  readonly satisfactionAverage: number | null;
  readonly csat: number | null;
  readonly emergencies: { readonly '112': number; readonly '016': number; readonly '024': number };
  readonly urgentAnswered: number;
  readonly urgentAverageSecondsToAgent: number | null;
  readonly urgentLongestSecondsToAgent: number | null;
  readonly slaBreaches: number;
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);
const seconds = (ms: number | null): number | null => (ms === null ? null : Math.round(ms) / 1000);

/** p90 of the waits as the upper bound of its histogram bucket (the peak when it is in the open bucket). */
export function p90FromHistogram(sums: MetricSums, answered: number, peakMs: number): number | null {
  if (answered <= 0) return null;
  const rank = Math.ceil(answered * 0.9);
  let cumulative = 0;
  for (const bound of WAIT_BOUNDS_SECONDS) {
    cumulative += sums.get(`wait_le:${bound}`)?.n ?? 0;
    if (cumulative >= rank) return bound;
  }
  return peakMs / 1000;
}

/** The indicators of summed metrics. */
export function computeIndicators(sums: MetricSums, serviceLevelTarget: number): Indicators {
  const get = (metric: string): MetricSum => sums.get(metric) ?? { n: 0, total: 0, peak: 0 };
  const n = (metric: string): number => get(metric).n;
  const answered = get('answered');
  const resolved = get('resolved');
  const surveys = get('surveys');
  const urgent = get('urgent_answered');
  const abandoned = n('abandoned');
  const distribution = { 1: n('survey:1'), 2: n('survey:2'), 3: n('survey:3'), 4: n('survey:4'), 5: n('survey:5') };
  return {
    conversations: n('conversations'),
    citizenMessages: n('citizen_messages'),
    botReplies: n('bot_replies'),
    agentReplies: n('agent_replies'),
    botAnswers: n('bot_answers'),
    contained: n('contained'),
    containmentRate: ratio(n('contained'), n('bot_answers')),
    handoffs: n('handoffs'),
    handoffRate: ratio(n('handoffs'), n('conversations')),
    handoffReasons: {
      citizen: n('handoff_reason:citizen'),
      lowConfidence: n('handoff_reason:low-confidence'),
      emergency: n('handoff_reason:emergency'),
      policy: n('handoff_reason:policy'),
    },
    classified: n('classified'),
    unrecognised: n('unrecognised'),
    unrecognisedRate: ratio(n('unrecognised'), n('classified')),
    answered: answered.n,
    answeredInServiceLevel: n('answered_in_sl'),
    serviceLevel: ratio(n('answered_in_sl'), answered.n + abandoned),
    serviceLevelTarget,
    averageSpeedOfAnswerSeconds: seconds(answered.n > 0 ? answered.total / answered.n : null),
    p90SpeedOfAnswerSeconds: p90FromHistogram(sums, answered.n, answered.peak),
    longestWaitSeconds: answered.n > 0 ? seconds(answered.peak) : null,
    abandoned,
    abandonmentRate: ratio(abandoned, n('handoffs')),
    resolved: resolved.n,
    averageHandlingTimeSeconds: seconds(resolved.n > 0 ? resolved.total / resolved.n : null),
    transfers: n('transfers'),
    transfersPerHandoff: ratio(n('transfers'), n('handoffs')),
    firstContactResolved: n('fcr'),
    firstContactResolution: ratio(n('fcr'), resolved.n),
    surveysOffered: n('surveys_offered'),
    surveys: surveys.n,
    surveyResponseRate: ratio(surveys.n, n('surveys_offered')),
    satisfactionDistribution: distribution,
    satisfactionAverage: ratio(surveys.total, surveys.n),
    csat: ratio(distribution[4] + distribution[5], surveys.n),
    emergencies: { '112': n('emergency:112'), '016': n('emergency:016'), '024': n('emergency:024') },
    urgentAnswered: urgent.n,
    urgentAverageSecondsToAgent: seconds(urgent.n > 0 ? urgent.total / urgent.n : null),
    urgentLongestSecondsToAgent: urgent.n > 0 ? seconds(urgent.peak) : null,
    slaBreaches: n('sla_breached'),
  };
}
