// The conversation's clocks as the header shows them (live.timers of GET /api/conversations/:id):
// how long the customer has waited and when the response-time target falls due, a badge once it
// is breached, the messages waiting to be sent, when the conversation will close itself, and
// whether we are outside opening hours. Re-read with the conversation on every live event of it (sla_breached included).
import type { ConversationDetail } from '../api/types';
import { clockTime, waitingFor } from '../lib/time';

type Timers = NonNullable<NonNullable<ConversationDetail['live']>['timers']>;

export function ConversationClocks({ detail, now }: { detail: ConversationDetail; now: number }) {
  const timers: Timers | null = detail.live?.timers ?? null;
  // A run without clocks (started before they existed) still has the stored waiting time.
  const waitingSince = timers ? timers.waitingSince : detail.needsAttention ? detail.waitingSince : null;
  const sla = timers?.sla;
  const hours = timers?.businessHours;
  const scheduled = timers?.scheduled ?? [];
  const next = scheduled[0];
  if (!waitingSince && !sla?.breached && !timers?.autoCloseAt && !next && !(hours && !hours.open)) return null;
  return (
    <p class="clocks" data-testid="clocks">
      {waitingSince && (
        <span class="clock waiting" data-testid="waiting">
          Waiting {waitingFor(waitingSince, now)}
          {sla?.dueAt && !sla.breached && ` · reply due by ${clockTime(sla.dueAt, now)}`}
        </span>
      )}
      {sla?.breached && (
        <span class="badge sla-breached" data-testid="sla-breached">
          SLA breached{sla.dueAt ? ` (due ${clockTime(sla.dueAt, now)})` : ''}
        </span>
      )}
      {next && (
        <span class="clock" data-testid="next-scheduled">
          {scheduled.length === 1 ? '1 message scheduled' : `${scheduled.length} messages scheduled`}, next at {clockTime(next.sendAt, now)}
        </span>
      )}
      {timers?.autoCloseAt && (
        <span class="clock" data-testid="auto-close">
          Closes itself at {clockTime(timers.autoCloseAt, now)} if nothing happens
        </span>
      )}
      {hours && !hours.open && (
        <span class="clock after-hours" data-testid="after-hours">
          Closed now{hours.nextOpeningAt ? ` — opens at ${clockTime(hours.nextOpeningAt, now)}` : ''}
        </span>
      )}
    </p>
  );
}
