// Twilio's default opt-out handling recognises these keywords when they are the whole message
// (case-insensitive, surrounding whitespace ignored) and reports them to the app as OptOutType.
// Deliberately separate from src/shared/opt-out-keywords.ts: the emulator stands in for Twilio,
// and a test where both sides share one list would agree with the app by construction.
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);
const HELP = new Set(['HELP', 'INFO']);

export type OptOutType = 'STOP' | 'START' | 'HELP';

export function optOutTypeOf(body: string): OptOutType | undefined {
  const word = body.trim().toUpperCase();
  if (OPT_OUT.has(word)) return 'STOP';
  if (OPT_IN.has(word)) return 'START';
  if (HELP.has(word)) return 'HELP';
  return undefined;
}
