// One long-running workflow per (business number, customer number): the wiring. Everything
// that touches the conversation goes through one ordered job queue, so texts, status callbacks
// and agent actions are applied one at a time in arrival order; update handlers decide
// synchronously (so racing agents see each other's decisions) and queue their I/O; sends wait in
// the outbox. What to do with a text is decided in shared/inbound-decision.ts, how the state
// changes (with its row and live event) in conversation-changes.ts, how it shows in the
// Temporal UI in ui-mirror.ts.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { canAutoReply } from '../shared/auto-reply-window.ts';
import {
  assignUpdate,
  cancelScheduledMessageUpdate,
  closeUpdate,
  editScheduledMessageUpdate,
  flagUpdate,
  inboundMessageSignal,
  reopenUpdate,
  scheduleMessageUpdate,
  sendMessageUpdate,
  stateQuery,
  statusCallbackSignal,
  unassignUpdate,
  unflagUpdate,
} from '../shared/conversation-definitions.ts';
import type {
  AssignRequest,
  AutoResponseRuleSnapshot,
  CancelScheduledMessageRequest,
  ConversationActionRequest,
  ConversationState,
  EditScheduledMessageRequest,
  InboundSms,
  MessageAuthor,
  OutboundMessageResult,
  ScheduledMessageResult,
  ScheduleMessageRequest,
  SendMessageRequest,
  StatusCallbackReport,
} from '../shared/conversation-types.ts';
import { FailureType } from '../shared/failure-types.ts';
import { decideInbound, type InboundDecision } from '../shared/inbound-decision.ts';
import { businessSecondsBetween, isOpen, nextOpening } from '../shared/business-hours.ts';
import { checkSendAllowed, validateSendMessage } from './conversation-validators.ts';
import { checkScheduledEdit, checkSendTime, findScheduled, validateSchedule } from './scheduled-validators.ts';
import { rejection } from './rejection.ts';
import {
  answeredByAgent,
  assign,
  close,
  CUSTOMER_WROTE_AGAIN,
  flag,
  needsAgent,
  reopen,
  slaBreach,
  unassign,
  unflag,
  type Actor,
  type Change,
} from './conversation-changes.ts';
import type { SendMessageInput } from '../activities/outbound-activities.ts';
import { db as dbActivities, failureType, twilio, twilioFirstAttempt as localSendActivities, twilioRetries } from './activity-proxies.ts';
import { LocalActivityTurns } from './local-activity-turns.ts';
import { describeFailure, explainSendFailure } from './failure-words.ts';
import { Outbox, outcomeWithin, type SendOutcome } from './outbox.ts';
import { Patches } from './patches.ts';
import { detailsOf, searchAttributeKey, searchAttributesOf } from './ui-mirror.ts';
import { autoCloseAt, deadlineSummary, dueScheduled, nextDeadline, slaDueAt, slaTargetSeconds, waitingWords, type ScheduledSend } from './timekeeping.ts';
import {
  compactForContinueAsNew,
  describeLimit,
  initialState,
  rememberMessageSid,
  snapshot,
  type CarriedJob,
  type ConversationWorkflowInput,
} from './conversation-state.ts';

export type { ConversationWorkflowInput } from './conversation-state.ts';

type Job = CarriedJob | { kind: 'task'; run: () => Promise<void> };

/** How long an agent's send waits for Twilio's answer before answering with the pending message. */
const AGENT_SEND_WAIT_MS = 1_000;

interface OutboundRequest {
  body: string;
  author: MessageAuthor;
  agentId?: string;
  ruleId?: string;
  mediaUrls?: string[];
  /** Only the opt-out confirmation may go to a customer who has just opted out. */
  allowOptedOut?: boolean;
}


export async function conversationWorkflow(input: ConversationWorkflowInput): Promise<void> {
  // Runs from before the clocks (scheduled sends, SLA, auto-close) never keep them, so their
  // histories replay as they were; asked once, first, never from a validator.
  const timekeeping = patched(Patches.ConversationTimers);
  // Likewise for a send's local first attempt: older runs send through the normal activity only.
  const localFirstSend = patched(Patches.LocalFirstSend);
  // …and for an automatic message recorded by its send (only ever with the local first attempt).
  const automaticSendRecordsItself = localFirstSend && patched(Patches.AutomaticSendRecordsItself);
  // With local sends the outbox calls local activities alongside the job queue: they take turns
  // (local-activity-turns.ts). Older runs had only one fiber calling them and keep their order.
  const turns = new LocalActivityTurns();
  const db = localFirstSend ? turns.oneAtATime(dbActivities) : dbActivities;
  const twilioFirstAttempt = turns.oneAtATime(localSendActivities);
  const { businessNumber, customerNumber } = input;
  const { workflowId } = workflowInfo();
  const state = input.carried ?? initialState();
  if (timekeeping) {
    state.lastActivityAt ??= Date.now();
    state.scheduled ??= [];
  }
  const jobs: Job[] = [...(input.pending ?? [])];
  const ids = { workflowId, businessNumber, customerNumber };
  /** The search-attribute values last published, to upsert only on change. */
  let published: string | undefined;

  /** Whether a job is being processed right now (it has left the queue). */
  let busy = false;
  const outbox = new Outbox<SendMessageInput>(deliver);
  void outbox.drain();
  /** Set once this run sent through the outbox (runs from before it never do). */
  let sentThroughOutbox = false;
  // Until the stored conversation is loaded, signals wait unseen in the SDK's buffer: count one.
  const currentState = (): ConversationState =>
    snapshot(state, ids, Date.now(), jobs.length + (busy ? 1 : 0) + outbox.size + (state.loaded ? 0 : 1));

  // Every write the workflow asks for carries a key, so the activity doing it (retried, or run
  // again when a workflow task is retried after the worker died) tells its own earlier write
  // from a new one. A key names where the write comes from — a text's receipt, an update's id,
  // a callback's id — and what it is for, never a running count: a retried task may see more
  // signals, or the dead attempt's writes, and make a different number of writes before it.
  let textsAccepted = 0;

  /** A text's receipt: counted over inbound signals only, whose order a retried task keeps. */
  function nextReceipt(): string {
    textsAccepted += 1;
    return `${workflowInfo().runId}:text:${textsAccepted}`;
  }

  let anonymousUpdates = 0;
  /** Where an update's writes come from: its id. Call it synchronously in the handler. */
  function updateOrigin(): string {
    const id = currentUpdateInfo()?.id ?? `anonymous-${(anonymousUpdates += 1)}`;
    return `${workflowInfo().runId}:update:${id}`;
  }

  /**
   * Update validators run against the state as it is; in a run's first moments the stored
   * conversation is still loading, so handlers wait for it and check again before deciding.
   * `decide` (the check and the state change together) runs synchronously when the state is
   * loaded: any await between a check and its change would let a second update delivered in
   * the same activation pass its check against the state before the change.
   */
  async function whenLoaded(decide: () => void): Promise<void> {
    if (!state.loaded) await condition(() => state.loaded);
    decide();
  }

  /** Queues work behind everything already waiting and resolves with its result. */
  function enqueue<T>(run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      jobs.push({ kind: 'task', run: () => run().then(resolve, reject) });
    });
  }

  setHandler(stateQuery, currentState);

  /** Applies a change to the live state; the caller records it (in the queue) with `record`. */
  function apply(change: Change | undefined): void {
    if (change) Object.assign(state, change.state);
  }

  /** Whether this run keeps attention and ownership as agents rely on them (not runs from before). */
  const truthful = (): boolean => patched(Patches.TruthfulAttention);

  /** The acting agent as the changes know them. */
  function actorOf(request: ConversationActionRequest): Actor {
    return { agentId: request.actingAgentId, name: request.actingAgentName, role: request.actingRole };
  }

  setHandler(
    sendMessageUpdate,
    // Runs from before the outbox answered once Twilio had answered, inside the job queue. (Not
    // an async function: the promise it returns must resolve exactly as theirs did.)
    (request) => (patched(Patches.OutboxSends) ? sendThroughOutbox(request) : sendInQueue(request)),
    { validator: (request) => validateSendMessage(state, request) },
  );

  async function sendThroughOutbox(request: SendMessageRequest): Promise<OutboundMessageResult> {
    const origin = updateOrigin();
    const sending = await enqueue(async () => {
      // The state may have changed while this request waited its turn (an opt-out, a close).
      checkSendAllowed(state, request);
      const outbound = { body: request.body, author: 'agent' as const, agentId: request.agentId, mediaUrls: request.mediaUrls };
      const queued = await send(outbound, `${origin}:send`);
      const answered = answeredByAgent(state, { agentId: request.agentId, name: request.actingAgentName });
      if (truthful()) apply(answered);
      await record(answered, `${origin}:attention`);
      if (timekeeping) await customerAnswered(request.agentId, origin);
      return queued;
    });
    // Twilio's answer usually comes within a second; while Twilio is down the agent gets the
    // recorded message (`pending`) at once, and live events tell the rest of its fate.
    const outcome = await outcomeWithin(sending.item, AGENT_SEND_WAIT_MS);
    if (!outcome) return sending.recorded;
    if (outcome.ok) return outcome.result;
    throw explainSendFailure(outcome.error);
  }

  /** An agent's send as runs from before the outbox made it (kept so their histories replay). */
  function sendInQueue(request: SendMessageRequest): Promise<OutboundMessageResult> {
    const origin = updateOrigin();
    return enqueue(async () => {
      checkSendAllowed(state, request);
      let result: OutboundMessageResult;
      try {
        const outbound = { body: request.body, author: 'agent' as const, agentId: request.agentId, mediaUrls: request.mediaUrls };
        result = (await send(outbound, `${origin}:send`)).recorded;
      } catch (error) {
        throw explainSendFailure(error);
      }
      await record(answeredByAgent(state, { agentId: request.agentId }), `${origin}:attention`);
      return result;
    });
  }

  /**
   * The agent actions: each decides its change synchronously against the loaded state (the same
   * function is the update's validator), applies it at once (so a racing update sees it) and
   * records it in the queue, answering with the state as it then stands.
   */
  function act<R>(decide: (request: R) => Change): (request: R) => Promise<ConversationState> {
    return async (request) => {
      const origin = updateOrigin();
      let decided: Change | undefined;
      await whenLoaded(() => {
        decided = decide(request);
        apply(decided);
      });
      return enqueue(async () => {
        await record(decided, `${origin}:event`);
        if (timekeeping) state.lastActivityAt = Date.now();
        return currentState();
      });
    };
  }

  /** Update validators: the deciding function, once the stored conversation is loaded. */
  function refuseEarly<R>(decide: (request: R) => unknown): (request: R) => void {
    return (request) => {
      if (state.loaded) decide(request);
    };
  }

  const decideAssign = (request: AssignRequest): Change => {
    if (!request.agentId) throw rejection(FailureType.InvalidMessage, 'agentId is required');
    const actor = { ...actorOf(request), agentId: request.actingAgentId ?? request.agentId };
    return assign(state, { agentId: request.agentId, agentName: request.agentName, actor, force: request.force });
  };
  const decideUnassign = (request: ConversationActionRequest): Change => unassign(state, actorOf(request));
  // `truthful()` (a patch check) is called only when an accepted close is applied, never in the
  // validator: a refused update leaves no history, so a marker recorded there would not replay.
  const decideClose = (request: ConversationActionRequest, releasesOwner = truthful()): Change =>
    close(state, actorOf(request), { reason: request.reason, releasesOwner });
  const decideReopen = (request: ConversationActionRequest): Change => reopen(state, actorOf(request));
  const decideFlag = (request: ConversationActionRequest): Change =>
    flag(state, request.reason?.trim() || 'Flagged by an agent', actorOf(request));
  const decideUnflag = (request: ConversationActionRequest): Change => unflag(state, actorOf(request), request.reason);

  setHandler(assignUpdate, act(decideAssign), { validator: refuseEarly(decideAssign) });
  setHandler(unassignUpdate, act(decideUnassign), { validator: refuseEarly(decideUnassign) });
  setHandler(closeUpdate, act((request: ConversationActionRequest) => decideClose(request)), {
    validator: refuseEarly((request: ConversationActionRequest) => decideClose(request, false)),
  });
  setHandler(reopenUpdate, act(decideReopen), { validator: refuseEarly(decideReopen) });
  setHandler(flagUpdate, act(decideFlag));
  setHandler(unflagUpdate, act(decideUnflag), { validator: refuseEarly(decideUnflag) });

  // Scheduled messages: recorded (status `scheduled`) when an agent schedules them, sent by the
  // clock (keepTime) through the normal path, editable and cancellable until they leave.
  setHandler(scheduleMessageUpdate, scheduleMessage, {
    validator: (request) => {
      validateSchedule(timekeeping, state, request, Date.now());
      validateSendMessage(state, request);
    },
  });
  setHandler(editScheduledMessageUpdate, editScheduled, {
    validator: (request) => checkScheduledEdit(timekeeping, state, request, Date.now()),
  });
  setHandler(cancelScheduledMessageUpdate, cancelScheduled, {
    validator: (request) => checkScheduledEdit(timekeeping, state, request, Date.now()),
  });

  async function scheduleMessage(request: ScheduleMessageRequest): Promise<ScheduledMessageResult> {
    const origin = updateOrigin();
    return enqueue(async () => {
      checkSendAllowed(state, request);
      const conversationId = await ensureConversationId();
      const clientRef = `${origin}:send`;
      const recorded = await db.recordScheduled({
        clientRef,
        conversationId,
        from: businessNumber,
        to: customerNumber,
        body: request.body,
        author: 'agent',
        agentId: request.agentId,
        mediaUrls: request.mediaUrls,
        sendAt: new Date(Date.parse(request.sendAt)).toISOString(),
      });
      const item: ScheduledSend = {
        messageId: recorded.messageId,
        clientRef,
        body: request.body,
        sendAt: Date.parse(recorded.sendAt),
        ...(request.agentId ? { agentId: request.agentId } : {}),
        ...(request.actingAgentName ? { agentName: request.actingAgentName } : {}),
        ...(request.mediaUrls?.length ? { mediaUrls: request.mediaUrls } : {}),
      };
      if (!state.scheduled?.some((scheduled) => scheduled.messageId === item.messageId)) (state.scheduled ??= []).push(item);
      state.lastActivityAt = Date.now();
      return recorded;
    });
  }

  async function editScheduled(request: EditScheduledMessageRequest): Promise<ScheduledMessageResult> {
    return enqueue(async () => {
      // It may have left while this edit waited its turn.
      const item = findScheduled(state, request.messageId);
      if (request.sendAt !== undefined) checkSendTime(state, request.sendAt, Date.now());
      const edited = await db.editScheduled({ messageId: item.messageId, body: request.body, sendAt: request.sendAt });
      if (request.body !== undefined) item.body = request.body;
      item.sendAt = Date.parse(edited.sendAt);
      state.lastActivityAt = Date.now();
      return edited;
    });
  }

  async function cancelScheduled(request: CancelScheduledMessageRequest): Promise<void> {
    return enqueue(async () => {
      const item = findScheduled(state, request.messageId);
      const by = request.actingAgentName ?? request.agentId ?? 'an agent';
      await db.settleScheduled({ messageId: item.messageId, status: 'canceled', reason: `Canceled by ${by}` });
      state.scheduled = (state.scheduled ?? []).filter((scheduled) => scheduled.messageId !== item.messageId);
      state.lastActivityAt = Date.now();
    });
  }

  // Signals wait (buffered by the SDK) until the stored conversation is loaded, so a text that
  // started this run sees whether it reopens a closed conversation.
  if (!state.loaded) await loadFromDatabase();
  setHandler(inboundMessageSignal, (sms) => {
    if (state.seenMessageSids.includes(sms.messageSid)) return; // Twilio redelivered it.
    rememberMessageSid(state, sms.messageSid);
    // The customer's text reopens the conversation the moment it arrives, so an agent action
    // that comes after it (a close, say) is applied after it too.
    const reopens = state.status === 'closed';
    state.status = 'open';
    // The receipt of this delivery: the store keeps it with the text, so a store re-run after a
    // crash recognises its own row, and only a later delivery of the same SID is a duplicate.
    jobs.push({ kind: 'inbound', sms, reopens, receiptRef: nextReceipt() });
  });
  setHandler(statusCallbackSignal, (report) => void jobs.push({ kind: 'status', report }));
  publish();
  if (timekeeping) void keepTime();

  for (;;) {
    const statusWhenIdle = state.status;
    // A run that sends through the outbox also wakes when its last send settles, so a history
    // that grew while a send was in flight continues as new without waiting for the next text.
    const wake = () => jobs.length > 0 || state.status !== statusWhenIdle || (sentThroughOutbox && readyToContinueAsNew());
    // A run with no stored conversation and nothing to do (started by a callback for a message
    // that was never stored, say) lingers like a closed one, then ends.
    const empty = state.conversationId === null && jobs.length === 0 && outbox.isEmpty && patched(Patches.EndEmptyRuns);
    // A closed conversation still keeps the messages scheduled in it: it ends once they left.
    const lingers = (statusWhenIdle === 'closed' || empty) && (state.scheduled ?? []).length === 0;
    const woke =
      lingers
        ? await condition(wake, state.settings.closedLingerSeconds * 1000)
        : await condition(wake).then(() => true);
    if (!woke) {
      // Closed (or empty) and quiet for the linger period: finish. The customer's next text (or
      // an agent) starts a fresh run, which loads the conversation from the database.
      await condition(() => (allHandlersFinished() && outbox.isEmpty) || jobs.length > 0);
      if (jobs.length === 0) return;
    }
    const job = jobs.shift();
    if (job) {
      busy = true;
      await runJob(job);
      busy = false;
    }
    publish();
    // Not while a send is in the outbox (it cannot travel): during a Twilio outage the queue goes
    // on and the next job looks again.
    if (readyToContinueAsNew()) {
      // Update handlers await their queued task, so wait for them (or for one to arrive and be
      // served first); inbound texts and callbacks still waiting travel into the next run.
      await condition(() => allHandlersFinished() || hasQueuedTask());
      if (!hasQueuedTask()) {
        await continueAsNew<typeof conversationWorkflow>({
          businessNumber,
          customerNumber,
          carried: compactForContinueAsNew(state, Date.now()),
          pending: jobs.filter((queued): queued is CarriedJob => queued.kind !== 'task'),
        });
      }
    }
  }

  function readyToContinueAsNew(): boolean {
    return workflowInfo().continueAsNewSuggested && !hasQueuedTask() && outbox.isEmpty;
  }

  function hasQueuedTask(): boolean {
    return jobs.some((queued) => queued.kind === 'task');
  }

  async function runJob(job: Job): Promise<void> {
    try {
      if (job.kind === 'inbound') await handleInbound(job);
      else if (job.kind === 'status') await handleStatus(job.report);
      else await job.run();
    } catch (error) {
      // A job that kept failing must not stop the conversation: it is parked with its reason
      // and the next text is handled. (Update tasks report their own failure to the caller.)
      log.warn('conversation job failed', { kind: job.kind, error: String(error) });
      if (job.kind !== 'task' && patched(Patches.ParkFailedJobs)) await park(job, error);
    }
  }

  async function park(job: CarriedJob, error: unknown): Promise<void> {
    const reason = describeFailure(error);
    const origin = job.kind === 'inbound' ? (job.receiptRef ??= nextReceipt()) : job.report.callbackId;
    try {
      const conversationId = state.conversationId ?? (await ensureConversationId());
      await db.parkJob({
        key: `${origin}:parked`,
        workflowId,
        conversationId,
        kind: job.kind,
        messageSid: job.kind === 'inbound' ? job.sms.messageSid : job.report.messageSid,
        payload: job.kind === 'inbound' ? job.sms : job.report,
        reason,
      });
      if (job.kind === 'inbound') await setAttention('A text could not be processed (kept with the reason)', `${origin}:parked-flag`);
    } catch (parkError) {
      log.error('could not park a failed job', { kind: job.kind, reason, error: String(parkError) });
    }
  }

  async function loadFromDatabase(): Promise<void> {
    const loaded = await db.loadConversation({ businessNumber, customerNumber });
    state.settings = loaded.settings;
    state.optedOut = loaded.optedOut;
    if (loaded.conversation) {
      state.conversationId = loaded.conversation.id;
      state.status = loaded.conversation.status;
      state.assignedAgentId = loaded.conversation.assignedAgentId;
      state.assignedAgentName = loaded.conversation.assignedAgentName ?? null;
      state.needsAttention = loaded.conversation.needsAttention;
      state.attentionReason = loaded.conversation.attentionReason;
      if (timekeeping) state.agentHasReplied = loaded.conversation.agentHasReplied ?? false;
    }
    state.loaded = true;
  }

  async function handleInbound(job: Extract<CarriedJob, { kind: 'inbound' }>): Promise<void> {
    const { sms } = job;
    // A text carried from a run that predates receipts gets one now.
    const receiptRef = (job.receiptRef ??= nextReceipt());
    const stored = await db.recordInbound({ workflowId, businessNumber, customerNumber, sms, receiptRef });
    state.conversationId = stored.conversationId;
    state.settings = stored.settings;
    if (stored.duplicate) {
      // Stored by an earlier delivery (beyond the SIDs this run remembers): answered then, and it
      // reopens nothing. If it reopened the conversation here, the reopening belongs to the next
      // text already waiting, if any, so that text is not treated as arriving after a close.
      if (job.reopens && state.status === 'open') {
        const next = patched(Patches.DuplicateReopenHandover) ? jobs.find((queued) => queued.kind === 'inbound') : undefined;
        if (next && next.kind === 'inbound') next.reopens = true;
        else state.status = 'closed';
      }
      return;
    }
    state.optedOut = stored.optedOut;
    const decision = await answerText(job, stored, receiptRef);
    if (timekeeping) await startTheClock(job.sms, stored.rules, decision, receiptRef);
  }

  /** What the text asks for, done: an opt-out, a rule's reply, a flag for an agent. */
  async function answerText(
    job: Extract<CarriedJob, { kind: 'inbound' }>,
    stored: { conversationId: string; rules: AutoResponseRuleSnapshot[] },
    receiptRef: string,
  ): Promise<InboundDecision['kind'] | undefined> {
    const { sms } = job;
    const now = Date.now();
    const { settings } = state;
    const decision = decideInbound({
      body: sms.body,
      optedOut: state.optedOut,
      assigned: state.assignedAgentId !== null,
      rules: stored.rules,
      autoReplyAllowed: canAutoReply(state.autoReplySentAt, now, settings.autoReplyWindowSeconds * 1000, settings.autoReplyLimit),
      limitDescription: describeLimit(settings),
      answeredByTwilio: sms.optOutType !== undefined,
    });
    // An agent closed the conversation after this text arrived: opt-out keywords still count,
    // but nothing else is answered or flagged.
    if (state.status === 'closed' && decision.kind !== 'opt-out' && decision.kind !== 'opt-in') return undefined;
    await carryOut(decision, stored.conversationId, job.reopens, receiptRef, now);
    return decision.kind;
  }

  async function carryOut(decision: InboundDecision, conversationId: string, reopens: boolean, receiptRef: string, now: number): Promise<void> {
    switch (decision.kind) {
      case 'opt-out':
        state.optedOut = true;
        if (timekeeping) state.closeWhenDone = true;
        await db.setOptOut({ key: `${receiptRef}:opt-out`, customerNumber, conversationId, optedOut: true, keyword: decision.keyword });
        if (decision.confirmation) {
          const author = decision.confirmation.ruleId ? 'auto_response' : 'system';
          await sendQuietly({ ...decision.confirmation, author, allowOptedOut: true }, `${receiptRef}:reply`);
        }
        return;
      case 'opt-in':
        state.optedOut = false;
        state.closeWhenDone = false;
        await db.setOptOut({ key: `${receiptRef}:opt-in`, customerNumber, conversationId, optedOut: false, keyword: decision.keyword });
        if (decision.confirmation) await sendQuietly({ ...decision.confirmation, author: 'system' }, `${receiptRef}:reply`);
        return;
      case 'auto-reply':
        state.autoReplySentAt.push(now);
        await sendQuietly({ ...decision.reply, author: 'auto_response' }, `${receiptRef}:reply`);
        if (decision.flagReason) await setAttention(decision.flagReason, `${receiptRef}:flag`);
        else if (reopens && truthful()) await setAttention(CUSTOMER_WROTE_AGAIN, `${receiptRef}:flag`);
        return;
      case 'flag':
        await setAttention(decision.reason, `${receiptRef}:flag`);
        return;
      case 'for-agent':
        // The agent answers; they must learn that the customer wrote (again).
        if (truthful()) await setAttention(CUSTOMER_WROTE_AGAIN, `${receiptRef}:flag`);
        return;
      case 'none':
        return;
    }
  }

  /**
   * After a customer's text: the conversation was active, and if the customer now waits for a
   * person, their wait starts (the SLA clock) and, outside business hours, they are told once
   * per closed period when we open.
   */
  async function startTheClock(sms: InboundSms, rules: AutoResponseRuleSnapshot[], decision: InboundDecision['kind'] | undefined, receiptRef: string): Promise<void> {
    const now = Date.now();
    state.lastActivityAt = now;
    if (state.optedOut) {
      // Nobody can answer an opted-out customer by SMS: their wait is over.
      state.waitingSince = null;
      state.slaBreached = false;
    }
    if (state.status === 'closed' || state.optedOut || !state.needsAttention) return;
    if (state.waitingSince == null) {
      // From when our webhook had the text (never later than now): what the customer lived.
      const received = Date.parse(sms.receivedAt);
      state.waitingSince = Number.isFinite(received) ? Math.min(received, now) : now;
      state.slaBreached = false;
    }
    const hours = state.settings.businessHours ?? null;
    if (!hours || isOpen(hours, now) || decision === 'auto-reply') return;
    const opening = nextOpening(hours, now);
    const rule = rules.find((candidate) => candidate.trigger === 'after_hours');
    if (!rule || state.afterHoursRepliedFor === opening) return;
    state.afterHoursRepliedFor = opening;
    await sendQuietly({ body: rule.response, author: 'auto_response', ruleId: rule.id }, `${receiptRef}:after-hours`);
  }

  /** A person replied: the wait ends, and how long it was is recorded for the SLA figures. */
  async function customerAnswered(agentId: string | undefined, origin: string): Promise<void> {
    const now = Date.now();
    state.lastActivityAt = now;
    const waitingSince = state.waitingSince;
    if (waitingSince != null) {
      const target = slaTargetSeconds(state);
      const waitedSeconds = businessSecondsBetween(state.settings.businessHours, waitingSince, now);
      const dueAt = slaDueAt(state);
      // Escalated already, or answered after the due instant the timer had not yet reached.
      const late = (state.slaBreached ?? false) || (dueAt !== null && now > dueAt);
      const conversationId = await ensureConversationId();
      await db.saveConversation({
        key: `${origin}:responded`,
        conversationId,
        patch: {},
        event: {
          type: 'responded',
          ...(agentId ? { agentId } : {}),
          data: {
            waitingSince: new Date(waitingSince).toISOString(),
            waitedSeconds,
            targetSeconds: target,
            withinTarget: target === null ? null : !late,
            firstReply: !state.agentHasReplied,
          },
        },
      });
      state.waitingSince = null;
      state.slaBreached = false;
    }
    state.agentHasReplied = true;
  }

  /**
   * The clock: one durable timer until the earliest deadline (a scheduled message, an SLA
   * breach, auto-close). It is replaced only when something falls due sooner; a deadline that
   * moves later (the customer was answered, the conversation was active) is looked at again when
   * the timer fires. What is due runs as a job in the queue, in order with everything else.
   */
  async function keepTime(): Promise<void> {
    for (;;) {
      const due = nextDue();
      if (due === null) {
        await condition(() => nextDue() !== null);
        continue;
      }
      const wait = due - Date.now();
      if (wait > 0) {
        await condition(
          () => {
            const next = nextDue();
            return next !== null && next < due;
          },
          wait,
          { summary: deadlineSummary(state, due) },
        );
        continue;
      }
      try {
        await enqueue(handleDue);
      } catch (error) {
        // Its writes were retried and still failed: look again later rather than spin.
        log.warn('timed work failed', { error: String(error) });
        await sleep(60_000);
      }
    }
  }

  /** The earliest deadline; now, when an opted-out customer's conversation has nothing left to do. */
  function nextDue(): number | null {
    if (optedOutAndDone()) return Date.now();
    return nextDeadline(state);
  }

  /** Once per opt-out (an agent may reopen the conversation afterwards, to read or note). */
  function optedOutAndDone(): boolean {
    return optedOutWithNothingToSend() && jobs.length === 0 && !busy;
  }

  /** The opted-out customer's conversation has nothing left to send (the queue aside). */
  function optedOutWithNothingToSend(): boolean {
    return (state.closeWhenDone ?? false) && state.optedOut && state.status === 'open' && outbox.isEmpty && (state.scheduled ?? []).length === 0;
  }

  async function handleDue(): Promise<void> {
    const now = Date.now();
    for (const item of dueScheduled(state, now)) await sendScheduled(item, now);
    const slaDue = slaDueAt(state);
    if (!state.slaBreached && state.waitingSince != null && slaDue !== null && slaDue <= now) await escalate(state.waitingSince, now);
    if (state.status !== 'open') return;
    // (Run as a job itself, so "nothing pending" here is the outbox and the scheduled messages.)
    if (optedOutWithNothingToSend()) {
      state.closeWhenDone = false;
      await closeItself('The customer opted out', `${workflowId}:opted-out-close:${state.lastActivityAt ?? 0}`);
      return;
    }
    const closeAt = autoCloseAt(state);
    if (closeAt !== null && closeAt <= now) {
      const quiet = waitingWords(now - (state.lastActivityAt ?? now)).replace('waiting', 'No activity for');
      await closeItself(quiet, `${workflowId}:auto-close:${state.lastActivityAt ?? 0}`);
    }
  }

  /** A scheduled message's time came: it leaves through the normal path, or is refused. */
  async function sendScheduled(item: ScheduledSend, now: number): Promise<void> {
    state.scheduled = (state.scheduled ?? []).filter((scheduled) => scheduled.messageId !== item.messageId);
    if (state.optedOut) {
      await db.settleScheduled({ messageId: item.messageId, status: 'refused', reason: 'The customer opted out before this message was due' });
      return;
    }
    // Sent even if the conversation was closed meanwhile (README: scheduled messages): it was a
    // promise to the customer. Keyed by its row, so it leaves once.
    const outbound = { body: item.body, author: 'agent' as const, agentId: item.agentId, mediaUrls: item.mediaUrls };
    await sendQuietly(outbound, item.clientRef);
    state.lastActivityAt = now;
  }

  /** The customer waited past the target: flag the conversation with how long, once per wait. */
  async function escalate(waitingSince: number, now: number): Promise<void> {
    const breach = slaBreach(waitingWords(now - waitingSince), {
      waitingSince: new Date(waitingSince).toISOString(),
      targetSeconds: slaTargetSeconds(state) ?? 0,
    });
    apply(breach);
    await record(breach, `${workflowId}:sla:${waitingSince}`);
  }

  /** Closed by the conversation's own clock; the run then ends as closed runs do. */
  async function closeItself(reason: string, key: string): Promise<void> {
    const closed = close(state, undefined, { reason, releasesOwner: true, automatic: true });
    apply(closed);
    await record(closed, key);
  }

  async function handleStatus(report: StatusCallbackReport): Promise<void> {
    const result = await db.recordStatusCallback(report);
    if (result.customerOptedOut) {
      state.optedOut = true;
      if (timekeeping) state.closeWhenDone = true;
    }
    if (result.applied && (report.status === 'failed' || report.status === 'undelivered')) noteDeliveryFailure();
  }

  /** For ops' filter on failed deliveries (LastDeliveryFailure), published with the next change. */
  function noteDeliveryFailure(): void {
    if (!patched(Patches.DeliveryFailureAttribute)) return;
    state.lastDeliveryFailureAt = Date.now();
    publish();
  }

  async function setAttention(reason: string, key: string): Promise<void> {
    const flagged = needsAgent(state, reason);
    apply(flagged);
    await record(flagged, key);
  }

  async function ensureConversationId(): Promise<string> {
    if (state.conversationId) return state.conversationId;
    const ensured = await db.ensureConversation({ workflowId, businessNumber, customerNumber });
    state.conversationId = ensured.conversationId;
    return ensured.conversationId;
  }

  interface Sending {
    /** The stored message as recorded before anything was sent. */
    recorded: OutboundMessageResult;
    item: { outcome?: SendOutcome };
  }

  /**
   * Records the message (`pending`) and hands it to the outbox, which sends it after the ones
   * before it; returns as soon as it is recorded. Runs that started before the outbox existed
   * send inline, as they did, so their histories replay.
   */
  async function send(request: OutboundRequest, key: string): Promise<Sending> {
    const conversationId = await ensureConversationId();
    if (!patched(Patches.OutboxSends)) {
      const result = await sendInline(conversationId, request);
      return { recorded: result, item: { outcome: { ok: true, result } } };
    }
    sentThroughOutbox = true;
    const input = outboundInput(conversationId, request, key);
    const recorded = await db.recordOutbound(input);
    return { recorded, item: outbox.add(input) };
  }

  /** The outbox's sender: Twilio's answer, or the reason the message was not sent. Never throws. */
  async function deliver(input: SendMessageInput): Promise<SendOutcome> {
    try {
      return { ok: true, result: await sendThroughTwilio(input) };
    } catch (error) {
      const type = failureType(error);
      if (type !== FailureType.CustomerOptedOut) noteDeliveryFailure();
      if (type === FailureType.CustomerOptedOut) state.optedOut = true;
      else if (type !== FailureType.TwilioRejected) {
        // Retries ran out (Twilio unreachable for minutes): the message's fate is "failed".
        await db.markSendFailed({ clientRef: input.clientRef, reason: describeFailure(error) }).catch((markError: unknown) => {
          log.error('could not mark a message failed', { clientRef: input.clientRef, error: String(markError) });
        });
      }
      return { ok: false, error };
    }
  }

  /**
   * One local attempt first (the common case: Twilio answers in well under a second); anything
   * that may succeed later — 429, 5xx, no answer, a database hiccup — goes on to the normal
   * activity and its minutes of backoff. The activity is idempotent by clientRef: the retry
   * finds the stored row, and one left `sending` is looked up at Twilio before sending again.
   */
  async function sendThroughTwilio(input: SendMessageInput): Promise<OutboundMessageResult> {
    if (!localFirstSend) return twilio.sendMessage(input);
    try {
      return await twilioFirstAttempt.sendMessage(input);
    } catch (error) {
      const type = failureType(error);
      if (type === FailureType.CustomerOptedOut || type === FailureType.TwilioRejected) throw error;
      log.info('first send attempt failed; retrying as an activity', { clientRef: input.clientRef, error: String(error) });
      return twilioRetries.sendMessage(input);
    }
  }

  /** How runs from before the outbox send: inline, in the job queue. Kept for their replay. */
  async function sendInline(conversationId: string, request: OutboundRequest): Promise<OutboundMessageResult> {
    const clientRef = uuid4();
    try {
      return await twilio.sendMessage({ clientRef, conversationId, from: businessNumber, to: customerNumber, ...request });
    } catch (error) {
      const type = failureType(error);
      if (type === FailureType.CustomerOptedOut) state.optedOut = true;
      else if (type !== FailureType.TwilioRejected) await db.markSendFailed({ clientRef, reason: String(error) });
      throw error;
    }
  }

  /** For automatic messages: queued, and a failure is recorded on the message, nothing more. */
  async function sendQuietly(request: OutboundRequest, key: string): Promise<void> {
    const automatic = automaticSendRecordsItself && request.author !== 'agent';
    await (automatic ? sendAutomatic(request, key) : send(request, key)).catch((error: unknown) =>
      log.warn('automatic message not sent', { error: String(error) }),
    );
  }

  /**
   * An automatic message handed to an idle outbox skips its own recording: its send starts in
   * this workflow task, and the send's first statement records it before Twilio is asked
   * (outbound-claim.ts) — recorded before it is sent still, with one local activity and one
   * statement fewer per auto-reply. Behind another send (a Twilio outage can hold the outbox
   * for minutes) it is recorded `pending` at once as before, so agents see it waiting. Agents'
   * and scheduled messages never come here: agents get the message's id at once, and a
   * scheduled row is released by its record.
   */
  async function sendAutomatic(request: OutboundRequest, key: string): Promise<void> {
    const conversationId = await ensureConversationId();
    if (!outbox.isEmpty) {
      await send(request, key);
      return;
    }
    sentThroughOutbox = true;
    outbox.add(outboundInput(conversationId, request, key));
  }

  function outboundInput(conversationId: string, request: OutboundRequest, clientRef: string): SendMessageInput {
    return { clientRef, conversationId, from: businessNumber, to: customerNumber, ...request };
  }

  /** Records a change in the database: the conversation's columns, its audit event, its live event. */
  async function record(change: Change | undefined, key: string): Promise<void> {
    if (!change) return;
    const conversationId = await ensureConversationId();
    const { patch, event, live } = change.stored;
    await db.saveConversation({ key, conversationId, patch, event, live });
  }

  /** Mirrors the live state into search attributes (for ops' filters) and the UI's details line. */
  function publish(): void {
    const key = searchAttributeKey(state);
    if (key !== published) {
      published = key;
      upsertSearchAttributes(searchAttributesOf(state, { businessNumber, customerNumber }));
    }
    setCurrentDetails(detailsOf(state));
  }
}
