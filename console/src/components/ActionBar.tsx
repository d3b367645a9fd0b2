// The conversation's actions, each enabled only as the ownership rules allow; a disabled one
// says why (visibly, and to assistive technology through aria-describedby).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { apiErrorOf } from '../api/errors';
import type { AgentList, ConversationDetail, SessionAgent } from '../api/types';
import type { Permission, Permissions } from '../lib/permissions';

interface Props {
  detail: ConversationDetail;
  me: SessionAgent;
  permissions: Permissions;
  onChanged(detail: ConversationDetail): void;
}

type Simple = 'unassign' | 'close' | 'reopen' | 'unflag';

export function ActionBar({ detail, me, permissions, onChanged }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [flagging, setFlagging] = useState(false);
  const [reason, setReason] = useState('');
  const [agents, setAgents] = useState<AgentList['agents']>([]);
  const [transferTo, setTransferTo] = useState('');
  const id = detail.id;
  const path = { params: { path: { id } } };

  useEffect(() => {
    if (me.role !== 'admin') return;
    void api.GET('/api/agents').then(({ data }) => data && setAgents(data.agents.filter((agent) => agent.active)));
  }, [me.role]);

  async function run(action: () => Promise<{ data?: ConversationDetail; error?: unknown }>) {
    setBusy(true);
    setError(null);
    try {
      const { data, error: failure } = await action();
      if (data) onChanged(data);
      else setError(apiErrorOf(failure).message);
      return Boolean(data);
    } catch {
      setError('The server cannot be reached; try again');
      return false;
    } finally {
      setBusy(false);
    }
  }

  const simple = (name: Simple) => () => {
    const url = `/api/conversations/{id}/${name}` as const;
    void run(() => api.POST(url, path));
  };
  const owner = detail.assignedAgent;
  const takingOver = owner && owner.id !== me.id && me.role === 'admin';

  const reasons = Object.entries(permissions)
    .filter(([, p]) => !p.allowed)
    .map(([, p]) => (p as { reason: string }).reason);
  // The one reason worth reading first: who holds it, or that it is closed.
  const headline = [...new Set(reasons)].find((r) => / has this conversation;|closed/.test(r));

  return (
    <section class="actions" aria-label="Conversation actions">
      <div class="row">
        <ActionButton
          label={takingOver ? `Take over from ${owner.name}` : 'Assign to me'}
          permission={permissions.assignToMe}
          busy={busy}
          onClick={() => void run(() => api.POST('/api/conversations/{id}/assign', { ...path, body: takingOver ? { force: true } : {} }))}
        />
        <ActionButton label="Unassign" permission={permissions.unassign} busy={busy} onClick={simple('unassign')} />
        {detail.status === 'open' ? (
          <ActionButton label="Close" permission={permissions.close} busy={busy} onClick={simple('close')} />
        ) : (
          <ActionButton label="Reopen" permission={permissions.reopen} busy={busy} onClick={simple('reopen')} />
        )}
        {detail.needsAttention ? (
          <ActionButton label="Clear flag" permission={permissions.unflag} busy={busy} onClick={simple('unflag')} />
        ) : (
          <ActionButton label="Flag…" permission={permissions.flag} busy={busy} onClick={() => setFlagging(!flagging)} expanded={flagging} />
        )}
      </div>
      {me.role === 'admin' && (
        <form
          class="row transfer"
          onSubmit={(event) => {
            event.preventDefault();
            if (transferTo) void run(() => api.POST('/api/conversations/{id}/assign', { ...path, body: { agentId: transferTo, force: true } }));
          }}
        >
          <label for="transfer-to">Transfer to</label>
          <select id="transfer-to" value={transferTo} onChange={(e) => setTransferTo(e.currentTarget.value)} disabled={!permissions.transfer.allowed}>
            <option value="">Choose an agent</option>
            {agents
              .filter((agent) => agent.id !== owner?.id)
              .map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.name}
                </option>
              ))}
          </select>
          <button type="submit" disabled={busy || !transferTo || !permissions.transfer.allowed}>
            Transfer
          </button>
        </form>
      )}
      {flagging && !detail.needsAttention && (
        <form
          class="row flag-form"
          onSubmit={async (event) => {
            event.preventDefault();
            if (!reason.trim()) return;
            if (await run(() => api.POST('/api/conversations/{id}/flag', { ...path, body: { reason: reason.trim() } }))) {
              setFlagging(false);
              setReason('');
            }
          }}
        >
          <label for="flag-reason">Reason for the flag</label>
          <input id="flag-reason" required maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          <button type="submit" disabled={busy || !reason.trim()}>
            Flag
          </button>
        </form>
      )}
      {headline && (
        <p class="why" data-testid="actions-why">
          {headline}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

let nextReasonId = 0;

function ActionButton({ label, permission, busy, onClick, expanded }: { label: string; permission: Permission; busy: boolean; onClick(): void; expanded?: boolean }) {
  const [reasonId] = useState(() => `why-${++nextReasonId}`);
  return (
    <span class="action">
      <button
        type="button"
        onClick={onClick}
        disabled={busy || !permission.allowed}
        title={permission.allowed ? undefined : permission.reason}
        aria-describedby={permission.allowed ? undefined : reasonId}
        aria-expanded={expanded}
      >
        {label}
      </button>
      {!permission.allowed && (
        <span id={reasonId} class="visually-hidden">
          {permission.reason}
        </span>
      )}
    </span>
  );
}
