// One long-running workflow per (business number, customer number). Everything that touches
// the conversation goes through one ordered job queue, so messages, sends and status callbacks
// are applied one at a time in arrival order; update handlers decide synchronously (so racing
// agents see each other's decisions) and queue their I/O.
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { canAutoReply } from '../shared/auto-reply-window.ts';
import {
  assignUpdate,
  closeUpdate,
  flagUpdate,
  inboundMessageSignal,
  reopenUpdate,
  sendMessageUpdate,
  stateQuery,
  statusCallbackSignal,
  unassignUpdate,
  unflagUpdate,
} from '../shared/conversation-definitions.ts';
import type {
  ConversationActionRequest,
  ConversationState,
  InboundSms,
  MessageAuthor,
  OutboundMessageResult,
  StatusCallbackReport,
} from '../shared/conversation-types.ts';
import { FailureType } from '../shared/failure-types.ts';
import { decideInbound } from '../shared/inbound-decision.ts';
import {
  SA_ASSIGNED_AGENT,
  SA_BUSINESS_NUMBER,
  SA_CONVERSATION_STATUS,
  SA_CUSTOMER_NUMBER,
  SA_NEEDS_ATTENTION,
} from '../shared/search-attributes.ts';
import {
  rejection,
  validateAssign,
  validateClose,
  validateReopen,
  validateSendMessage,
  validateUnassign,
} from './conversation-validators.ts';
import { db, twilio } from './activity-proxies.ts';
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

interface OutboundRequest {
  body: string;
  author: MessageAuthor;
  agentId?: string;
  ruleId?: string;
  mediaUrls?: string[];
  /** Only the opt-out confirmation may go to a customer who has just opted out. */
  allowOptedOut?: boolean;
}

interface ConversationPatch {
  status?: 'open' | 'closed';
  assignedAgentId?: string | null;
  needsAttention?: boolean;
  attentionReason?: string | null;
}

export async function conversationWorkflow(input: ConversationWorkflowInput): Promise<void> {
  const { businessNumber, customerNumber } = input;
  const { workflowId } = workflowInfo();
  const state = input.carried ?? initialState();
  const jobs: Job[] = [...(input.pending ?? [])];
  const ids = { workflowId, businessNumber, customerNumber };
  /** The search-attribute values last published, to upsert only on change. */
  let published: string | undefined;

  /** Whether a job is being processed right now (it has left the queue). */
  let busy = false;
  const currentState = (): ConversationState => snapshot(state, ids, Date.now(), jobs.length + (busy ? 1 : 0));

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

  setHandler(
    sendMessageUpdate,
    (request) =>
      enqueue(async () => {
        // The state may have changed while this request waited its turn (an opt-out, a close).
        validateSendMessage(state, request);
        const result = await sendOrExplain({ body: request.body, author: 'agent', agentId: request.agentId, mediaUrls: request.mediaUrls });
        if (state.needsAttention) await persist({ needsAttention: false, attentionReason: null }, 'attention_cleared', request.agentId);
        return result;
      }),
    { validator: (request) => validateSendMessage(state, request) },
  );

  setHandler(
    assignUpdate,
    async (request) => {
      await whenLoaded(() => {
        validateAssign(state, request);
        state.assignedAgentId = request.agentId;
      });
      return enqueue(async () => {
        await persist({ assignedAgentId: request.agentId }, 'assigned', request.actingAgentId ?? request.agentId, { agentId: request.agentId });
        return currentState();
      });
    },
    { validator: (request) => validateAssign(state, request) },
  );

  setHandler(
    unassignUpdate,
    async (request) => {
      let previous: string | null = null;
      await whenLoaded(() => {
        validateUnassign(state);
        previous = state.assignedAgentId;
        state.assignedAgentId = null;
      });
      return applyAndPersist({ assignedAgentId: null }, 'unassigned', request, { previousAgentId: previous });
    },
    { validator: (_request) => validateUnassign(state) },
  );

  setHandler(
    closeUpdate,
    async (request) => {
      await whenLoaded(() => {
        validateClose(state);
        state.status = 'closed';
        state.needsAttention = false;
        state.attentionReason = null;
      });
      return applyAndPersist({ status: 'closed', needsAttention: false, attentionReason: null }, 'closed', request);
    },
    { validator: (_request) => validateClose(state) },
  );

  setHandler(
    reopenUpdate,
    async (request) => {
      await whenLoaded(() => {
        validateReopen(state);
        state.status = 'open';
      });
      return applyAndPersist({ status: 'open' }, 'reopened', request);
    },
    { validator: (_request) => validateReopen(state) },
  );

  setHandler(
    flagUpdate,
    async (request) => {
      const reason = request.reason?.trim() || 'Flagged by an agent';
      await whenLoaded(() => {
        state.needsAttention = true;
        state.attentionReason = reason;
      });
      return applyAndPersist({ needsAttention: true, attentionReason: reason }, 'flagged', request);
    },
  );

  setHandler(unflagUpdate, async (request) => {
    await whenLoaded(() => {
      state.needsAttention = false;
      state.attentionReason = null;
    });
    return applyAndPersist({ needsAttention: false, attentionReason: null }, 'unflagged', request);
  });

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
    jobs.push({ kind: 'inbound', sms, reopens });
  });
  setHandler(statusCallbackSignal, (report) => void jobs.push({ kind: 'status', report }));
  publish();

  for (;;) {
    const statusWhenIdle = state.status;
    const woke =
      statusWhenIdle === 'closed'
        ? await condition(() => jobs.length > 0 || state.status !== statusWhenIdle, state.settings.closedLingerSeconds * 1000)
        : await condition(() => jobs.length > 0 || state.status !== statusWhenIdle).then(() => true);
    if (!woke) {
      // Closed and quiet for the linger period: finish. The customer's next text (or an agent)
      // starts a fresh run, which loads the conversation from the database.
      await condition(() => allHandlersFinished() || jobs.length > 0);
      if (jobs.length === 0) return;
    }
    const job = jobs.shift();
    if (job) {
      busy = true;
      await runJob(job);
      busy = false;
    }
    publish();
    if (workflowInfo().continueAsNewSuggested && !hasQueuedTask()) {
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

  function hasQueuedTask(): boolean {
    return jobs.some((queued) => queued.kind === 'task');
  }

  async function runJob(job: Job): Promise<void> {
    try {
      if (job.kind === 'inbound') await handleInbound(job.sms, job.reopens);
      else if (job.kind === 'status') await handleStatus(job.report);
      else await job.run();
    } catch (error) {
      // A job's failure (a permanently refused auto-reply, say) must not stop the conversation.
      log.warn('conversation job failed', { kind: job.kind, error: String(error) });
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
      state.needsAttention = loaded.conversation.needsAttention;
      state.attentionReason = loaded.conversation.attentionReason;
    }
    state.loaded = true;
  }

  async function handleInbound(sms: InboundSms, reopened: boolean): Promise<void> {
    const stored = await db.recordInbound({ workflowId, businessNumber, customerNumber, sms });
    state.conversationId = stored.conversationId;
    state.settings = stored.settings;
    if (stored.duplicate) {
      // Seen by an earlier run: stored once, answered once, and it reopens nothing.
      if (reopened && state.status === 'open') state.status = 'closed';
      return;
    }
    state.optedOut = stored.optedOut;

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
    if (state.status === 'closed' && decision.kind !== 'opt-out' && decision.kind !== 'opt-in') return;

    switch (decision.kind) {
      case 'opt-out':
        state.optedOut = true;
        await db.setOptOut({ customerNumber, conversationId: stored.conversationId, optedOut: true, keyword: decision.keyword });
        if (decision.confirmation) {
          const author = decision.confirmation.ruleId ? 'auto_response' : 'system';
          await sendQuietly({ ...decision.confirmation, author, allowOptedOut: true });
        }
        return;
      case 'opt-in':
        state.optedOut = false;
        await db.setOptOut({ customerNumber, conversationId: stored.conversationId, optedOut: false, keyword: decision.keyword });
        if (decision.confirmation) await sendQuietly({ ...decision.confirmation, author: 'system' });
        return;
      case 'auto-reply':
        state.autoReplySentAt.push(now);
        await sendQuietly({ ...decision.reply, author: 'auto_response' });
        if (decision.flagReason) await setAttention(decision.flagReason);
        return;
      case 'flag':
        await setAttention(decision.reason);
        return;
      case 'none':
        return;
    }
  }

  async function handleStatus(report: StatusCallbackReport): Promise<void> {
    const result = await db.recordStatusCallback(report);
    if (result.customerOptedOut) state.optedOut = true;
  }

  async function setAttention(reason: string): Promise<void> {
    if (state.needsAttention && state.attentionReason === reason) return;
    state.needsAttention = true;
    state.attentionReason = reason;
    await persist({ needsAttention: true, attentionReason: reason }, 'flagged', undefined, { reason });
  }

  async function ensureConversationId(): Promise<string> {
    if (state.conversationId) return state.conversationId;
    const ensured = await db.ensureConversation({ workflowId, businessNumber, customerNumber });
    state.conversationId = ensured.conversationId;
    return ensured.conversationId;
  }

  async function send(request: OutboundRequest): Promise<OutboundMessageResult> {
    const conversationId = await ensureConversationId();
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

  /** For automatic messages: a failure is recorded on the message and logged, nothing more. */
  async function sendQuietly(request: OutboundRequest): Promise<void> {
    await send(request).catch((error: unknown) => log.warn('automatic message not sent', { error: String(error) }));
  }

  /** For agent sends: turns an activity failure into an update failure the API can explain. */
  async function sendOrExplain(request: OutboundRequest): Promise<OutboundMessageResult> {
    try {
      return await send(request);
    } catch (error) {
      const cause = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : undefined;
      throw rejection(cause?.type ?? 'SendFailed', cause?.message ?? 'The message could not be sent', cause?.details ?? undefined);
    }
  }

  async function applyAndPersist(
    patch: ConversationPatch,
    eventType: string,
    request: ConversationActionRequest,
    data: Record<string, unknown> = {},
  ): Promise<ConversationState> {
    return enqueue(async () => {
      await persist(patch, eventType, request.actingAgentId, { ...data, ...(request.reason ? { reason: request.reason } : {}) });
      return currentState();
    });
  }

  async function persist(patch: ConversationPatch, eventType: string, agentId?: string, data: Record<string, unknown> = {}): Promise<void> {
    const conversationId = await ensureConversationId();
    await db.saveConversation({ conversationId, patch, event: { type: eventType, agentId, data } });
  }

  /** Mirrors the live state into search attributes (for ops' filters) and the UI's details line. */
  function publish(): void {
    const key = JSON.stringify([state.status, state.assignedAgentId, state.needsAttention]);
    if (key !== published) {
      published = key;
      upsertSearchAttributes([
        { key: SA_BUSINESS_NUMBER, value: businessNumber },
        { key: SA_CUSTOMER_NUMBER, value: customerNumber },
        { key: SA_CONVERSATION_STATUS, value: state.status },
        { key: SA_ASSIGNED_AGENT, value: state.assignedAgentId ?? 'unassigned' },
        { key: SA_NEEDS_ATTENTION, value: state.needsAttention },
      ]);
    }
    const details = [
      `**${state.status}**`,
      state.assignedAgentId ? `assigned to ${state.assignedAgentId}` : 'unassigned',
      state.needsAttention ? `needs attention: ${state.attentionReason ?? ''}` : undefined,
      state.optedOut ? 'customer opted out' : undefined,
    ].filter(Boolean);
    setCurrentDetails(details.join(' · '));
  }
}

function failureType(error: unknown): string | undefined {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause.type ?? undefined : undefined;
}
