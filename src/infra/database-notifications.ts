// NOTIFYs committed in a database that delivers them in-process rather than to a listening
// connection: the embedded PGlite server, a single session shared by every connection, passes a
// NOTIFY only to the connection whose transaction sent it. Real PostgreSQL needs none of this
// (LISTEN on a connection of its own: src/api/live-events/notification-listener.ts).
export interface DatabaseNotifications {
  /** Calls `onNotification` for each NOTIFY on `channel` once committed; returns how to stop. */
  listen(channel: string, onNotification: (payload: string) => void): () => void;
}
