// The signed-in page: header, the queue beside the open conversation, and the one live-event
// stream that keeps both current.
import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../api/types';
import { publish } from '../lib/event-bus';
import { connectLiveEvents, type LiveStatus } from '../lib/live-events';
import { useRoute } from '../lib/route';
import { checkSession, signOut } from '../state/session';
import { ConversationView } from './ConversationView';
import { Queue } from './Queue';

export function Shell({ session }: { session: Session }) {
  const route = useRoute();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [wasOffline, setWasOffline] = useState(false);

  useEffect(() => {
    let offline = false;
    return connectLiveEvents({
      onEvent: publish,
      onReset: () => publish('refresh'),
      onStatus: (next) => {
        setStatus(next);
        if (next === 'offline') {
          offline = true;
          setWasOffline(true);
        }
        // Back after a gap: the stream replays what was missed, and a refetch catches anything else.
        if (next === 'online' && offline) {
          offline = false;
          publish('refresh');
        }
      },
      onClosed: () => void checkSession(),
    });
  }, []);

  return (
    <div class="shell">
      <a class="skip-link" href="#conversation">
        Skip to the conversation
      </a>
      <header class="top-bar">
        <h1>SMS console</h1>
        <LiveIndicator status={status} wasOffline={wasOffline} />
        <p class="who">
          Signed in as <strong>{session.agent.name}</strong> ({session.agent.role})
        </p>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      {status === 'offline' && (
        <p class="offline-banner" role="status" data-testid="offline-banner">
          Offline — reconnecting. What arrives meanwhile will show when the connection is back.
        </p>
      )}
      <div class="panes">
        <Queue me={session.agent} selectedId={route.conversationId} />
        <main id="conversation" class="conversation-pane" tabIndex={-1}>
          {route.conversationId ? (
            <ConversationView key={route.conversationId} id={route.conversationId} me={session.agent} />
          ) : (
            <p class="placeholder">Choose a conversation from the queue, or start a new one.</p>
          )}
        </main>
      </div>
    </div>
  );
}

function LiveIndicator({ status, wasOffline }: { status: LiveStatus; wasOffline: boolean }) {
  const label = status === 'online' ? (wasOffline ? 'Live (reconnected)' : 'Live') : status === 'offline' ? 'Offline' : 'Connecting…';
  return (
    <p class={`live live-${status}`} role="status" data-testid="live-status" data-status={status}>
      <span class="dot" aria-hidden="true" />
      {label}
    </p>
  );
}
