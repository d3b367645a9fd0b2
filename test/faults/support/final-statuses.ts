// Statuses a message never leaves (Twilio's final ones, `read` after them, and ours: `refused`
// never reached Twilio). Spelled out here rather than imported, so the test states the contract.
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['delivered', 'undelivered', 'failed', 'canceled', 'read', 'refused']);
