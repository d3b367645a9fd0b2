// The shape of GET /api/stats, with the definitions agents' dashboards rely on.
import { z } from 'zod';

const responseFigures = z.object({
  responses: z.number().int().describe('Waiting customers a person answered'),
  withinTarget: z.number().int().describe('Of those, answered within the target'),
  attainment: z.number().min(0).max(1).nullable().describe('withinTarget / answers that had a target; null when none had'),
  medianFirstResponseSeconds: z.number().nullable().describe("Median wait, in open business time, of conversations' first human reply"),
});

export const statsSchema = z.object({
  conversations: z.object({
    open: z.number().int().describe('Open conversations'),
    unassigned: z.number().int().describe('Open conversations no agent holds'),
    needsAttention: z.number().int().describe('Open conversations flagged for an agent'),
  }),
  messagesToday: z.object({
    inbound: z.number().int().describe('Customer messages received today'),
    outbound: z.number().int().describe('Messages recorded for sending today (agent, auto-reply and system), except ones refused because the customer had opted out'),
  }),
  autoRepliesToday: z.number().int().describe('Keyword auto-replies recorded today (refused ones excluded)'),
  deliverySuccessRate: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .describe('delivered / (delivered + undelivered + failed) over outbound messages created today (`read` counts as delivered; messages still in flight are left out); null when none has a final status yet'),
  medianFirstResponseSeconds: z
    .number()
    .nullable()
    .describe('Median, over conversations whose first customer message arrived in the last 7 days and that an agent has answered, of the seconds from that first message to the first agent-written reply after it (replies refused because the customer had opted out do not count); null when there are none'),
  responseTimes: z
    .array(
      z.object({
        day: z.string().describe('The UTC day, YYYY-MM-DD'),
        overall: responseFigures.extend({
          breaches: z.number().int().describe('Waits that passed their target (escalations) that day'),
        }),
        agents: z.array(
          responseFigures.extend({
            agentId: z.string(),
            agentName: z.string().nullable(),
          }),
        ),
      }),
    )
    .describe(
      'Per UTC day of the last 7 days (newest first), overall and per agent: waits a person answered, how many within their response-time target (SLA_FIRST_REPLY_SECONDS for a first reply, SLA_FOLLOW_UP_SECONDS after), attainment, and the median time to a first response. Waits are counted in open business time (BUSINESS_HOURS)',
    ),
  window: z.object({
    todayStartsAt: z.string().describe('Start of "today": midnight UTC, ISO 8601'),
    firstResponseSince: z.string().describe('Start of the first-response window: 7 days before now, ISO 8601'),
  }),
});

export type Stats = z.infer<typeof statsSchema>;
