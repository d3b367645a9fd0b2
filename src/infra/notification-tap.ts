// Finds NotificationResponse messages in a server's raw Postgres wire-protocol output. Every
// backend message is a type byte, a 4-byte big-endian length that counts itself, and a body;
// a NotificationResponse ('A') is a process id, then the channel and the payload as C strings.
// One tap per response stream: a message may be split across the chunks it arrives in.

export interface WireNotification {
  channel: string;
  payload: string;
}

const NOTIFICATION_RESPONSE = 0x41; // 'A'

export function createNotificationTap(onNotification: (notification: WireNotification) => void): (chunk: Uint8Array) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    const buffer = pending.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([pending, chunk]);
    let offset = 0;
    while (buffer.length - offset >= 5) {
      const length = buffer.readUInt32BE(offset + 1);
      const end = offset + 1 + length;
      if (end > buffer.length) break;
      if (buffer[offset] === NOTIFICATION_RESPONSE) {
        const channelStart = offset + 9; // type, length, process id
        const channelEnd = buffer.indexOf(0, channelStart);
        const payloadEnd = buffer.indexOf(0, channelEnd + 1);
        onNotification({
          channel: buffer.toString('utf8', channelStart, channelEnd),
          payload: buffer.toString('utf8', channelEnd + 1, payloadEnd),
        });
      }
      offset = end;
    }
    // Only an incomplete message is kept (copied: the chunk's memory may be reused).
    pending = offset === buffer.length ? Buffer.alloc(0) : Buffer.from(buffer.subarray(offset));
  };
}
