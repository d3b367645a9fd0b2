// The conversation's clocks, pure: when the customer's wait breaches its target, when the
// conversation closes itself, when its scheduled messages leave, and the earliest of them all
// (the one durable timer the workflow keeps). Everything takes the clock as an argument; the
// workflow passes its own (the workflow task's time), so replays compute the same instants.
import { addBusinessTime, isOpen, nextOpening, type BusinessHours } from '../shared/business-hours.ts';
import type { ConversationSettings, ConversationTimers } from '../shared/conversation-types.ts';

/** A message waiting for its time: enough to send it, and whose it is. */
export interface ScheduledSend {
  messageId: string;
  /** The row's clientRef: the send's key when it leaves, so it is sent and recorded once. */
  clientRef: string;
  body: string;
  agentId?: string;
  agentName?: string;
  mediaUrls?: string[];
  /** Epoch ms. */
  sendAt: number;
}

/** What the clocks read from the workflow's state (every field optional: older runs lack them). */
export interface ClockState {
  status: 'open' | 'closed';
  needsAttention: boolean;
  optedOut: boolean;
  settings: ConversationSettings;
  waitingSince?: number | null;
  slaBreached?: boolean;
  agentHasReplied?: boolean;
  lastActivityAt?: number;
  scheduled?: ScheduledSend[];
}

function hoursOf(state: ClockState): BusinessHours | null {
  return state.settings.businessHours ?? null;
}

/** The target for the customer's current wait: a first reply, or a reply to a follow-up. */
export function slaTargetSeconds(state: ClockState): number | null {
  const sla = state.settings.sla;
  if (!sla) return null;
  const target = state.agentHasReplied ? sla.followUpSeconds : sla.firstReplySeconds;
  return target > 0 ? target : null;
}

/** When the wait breaches its target (the clock paused while the business is closed). */
export function slaDueAt(state: ClockState): number | null {
  const target = slaTargetSeconds(state);
  if (state.waitingSince == null || target === null) return null;
  return addBusinessTime(hoursOf(state), state.waitingSince, target);
}

/** When the conversation closes itself: quiet for the configured time and needing nobody. */
export function autoCloseAt(state: ClockState): number | null {
  const after = state.settings.autoCloseSeconds ?? 0;
  if (state.status !== 'open' || state.needsAttention || after <= 0 || state.lastActivityAt === undefined) return null;
  // A promise made to the customer keeps the conversation open until it is kept.
  if ((state.scheduled ?? []).length > 0) return null;
  return state.lastActivityAt + after * 1000;
}

export function nextScheduledAt(state: ClockState): number | null {
  const scheduled = state.scheduled ?? [];
  return scheduled.length === 0 ? null : Math.min(...scheduled.map((item) => item.sendAt));
}

/** The earliest instant something is due, or null when nothing ever is. */
export function nextDeadline(state: ClockState): number | null {
  const candidates = [state.slaBreached ? null : slaDueAt(state), autoCloseAt(state), nextScheduledAt(state)].filter(
    (at): at is number => at !== null,
  );
  return candidates.length === 0 ? null : Math.min(...candidates);
}

/** What the clock's timer waits for, as the Temporal UI shows it next to the timer. */
export function deadlineSummary(state: ClockState, due: number): string {
  const at = new Date(due).toISOString();
  const reasons = [
    !state.slaBreached && slaDueAt(state) === due ? `SLA due (waiting since ${new Date(state.waitingSince!).toISOString()})` : undefined,
    nextScheduledAt(state) === due ? 'scheduled message due' : undefined,
    autoCloseAt(state) === due ? 'auto-close after inactivity' : undefined,
  ].filter(Boolean);
  return `${reasons.join(', ') || 'clock'} at ${at}`;
}

/** Scheduled messages due at `now`, soonest first. */
export function dueScheduled(state: ClockState, now: number): ScheduledSend[] {
  return (state.scheduled ?? []).filter((item) => item.sendAt <= now).sort((a, b) => a.sendAt - b.sendAt);
}

/** "waiting 17 min", "waiting 2 h 5 min" ("waiting 40 s" under a minute): the flag reason an escalation carries. */
export function waitingWords(waitedMs: number): string {
  if (waitedMs < 60_000) return `waiting ${Math.max(1, Math.floor(waitedMs / 1000))} s`;
  const minutes = Math.floor(waitedMs / 60_000);
  if (minutes < 60) return `waiting ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `waiting ${hours} h${rest ? ` ${rest} min` : ''}`;
}

const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());

/** The clocks as the state query and the API show them. */
export function timersOf(state: ClockState, now: number): ConversationTimers {
  const hours = hoursOf(state);
  const scheduled = [...(state.scheduled ?? [])].sort((a, b) => a.sendAt - b.sendAt);
  return {
    waitingSince: iso(state.waitingSince ?? null),
    sla: { targetSeconds: slaTargetSeconds(state), dueAt: iso(slaDueAt(state)), breached: state.slaBreached ?? false },
    scheduled: scheduled.map((item) => ({ messageId: item.messageId, sendAt: new Date(item.sendAt).toISOString(), agentId: item.agentId ?? null })),
    autoCloseAt: iso(autoCloseAt(state)),
    businessHours: hours ? { open: isOpen(hours, now), nextOpeningAt: iso(nextOpening(hours, now)) } : null,
  };
}
