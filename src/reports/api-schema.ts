/** TypeBox schemas of the reports API responses (what the OpenAPI document shows). */
import { Type } from '@sinclair/typebox';
import { SLICES } from './definitions.js';

const Count = Type.Number();
const Ratio = Type.Union([Type.Number(), Type.Null()], { description: 'null when the denominator is 0' });

export const IndicatorsSchema = Type.Object({
  conversations: Count,
  citizenMessages: Count,
  botReplies: Count,
  agentReplies: Count,
  botAnswers: Count,
  contained: Count,
  containmentRate: Ratio,
  handoffs: Count,
  handoffRate: Ratio,
  handoffReasons: Type.Object({ citizen: Count, lowConfidence: Count, emergency: Count, policy: Count }),
  classified: Count,
  unrecognised: Count,
  unrecognisedRate: Ratio,
  answered: Count,
  answeredInServiceLevel: Count,
  serviceLevel: Ratio,
  serviceLevelTarget: Count,
  averageSpeedOfAnswerSeconds: Ratio,
  p90SpeedOfAnswerSeconds: Ratio,
  longestWaitSeconds: Ratio,
  abandoned: Count,
  abandonmentRate: Ratio,
  resolved: Count,
  averageHandlingTimeSeconds: Ratio,
  transfers: Count,
  transfersPerHandoff: Ratio,
  firstContactResolved: Count,
  firstContactResolution: Ratio,
  surveysOffered: Count,
  surveys: Count,
  surveyResponseRate: Ratio,
  satisfactionDistribution: Type.Object({ 1: Count, 2: Count, 3: Count, 4: Count, 5: Count }),
  satisfactionAverage: Ratio,
  csat: Ratio,
  emergencies: Type.Object({ '112': Count, '016': Count, '024': Count }),
  urgentAnswered: Count,
  urgentAverageSecondsToAgent: Ratio,
  urgentLongestSecondsToAgent: Ratio,
  slaBreaches: Count,
});

const SliceKey = Type.Object(Object.fromEntries(SLICES.map((name) => [name, Type.Optional(Type.String())])));

export const ReportSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timezone: Type.String(),
  period: Type.String(),
  by: Type.Array(Type.String()),
  total: IndicatorsSchema,
  groups: Type.Array(Type.Object({ key: SliceKey, indicators: IndicatorsSchema })),
  series: Type.Array(Type.Object({ period: Type.String(), start: Type.String(), indicators: IndicatorsSchema })),
});

export const WallboardSchema = Type.Object({
  at: Type.String(),
  queues: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      waiting: Count,
      longestWaitSeconds: Ratio,
      serviceLevelToday: Ratio,
      serviceLevelTarget: Count,
    }),
  ),
  agents: Type.Object({ online: Count, available: Count, away: Count, busy: Count }),
  serviceLevelToday: Ratio,
  serviceLevelTarget: Count,
  handoffsToday: Count,
  abandonedToday: Count,
});

export const DefinitionsSchema = Type.Object({
  timezone: Type.String(),
  slices: Type.Array(Type.String()),
  periods: Type.Array(Type.String()),
  indicators: Type.Record(Type.String(), Type.Object({ label: Type.String(), definition: Type.String() })),
});
