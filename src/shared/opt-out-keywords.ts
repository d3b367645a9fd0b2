// Twilio's default compliance keywords. Twilio acts on them only when they are the whole
// message (one word, any case, surrounding whitespace and punctuation ignored), and so do we.
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);
const HELP = new Set(['HELP', 'INFO']);

export type ComplianceKeyword =
  | { kind: 'opt-out'; keyword: string }
  | { kind: 'opt-in'; keyword: string }
  | { kind: 'help'; keyword: string };

export function classifyComplianceKeyword(body: string): ComplianceKeyword | undefined {
  const word = body.trim().replace(/^[\p{P}\s]+|[\p{P}\s]+$/gu, '').toUpperCase();
  if (!word || /\s/.test(word)) return undefined;
  if (OPT_OUT.has(word)) return { kind: 'opt-out', keyword: word };
  if (OPT_IN.has(word)) return { kind: 'opt-in', keyword: word };
  if (HELP.has(word)) return { kind: 'help', keyword: word };
  return undefined;
}
