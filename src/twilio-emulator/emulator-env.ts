// Environment of the standalone emulator (`npm run emulator`). It needs no phone number or
// messaging service, unlike the app's own config, so it reads its few variables itself.
import { z } from 'zod';

const optionalUrl = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()))
  .pipe(z.url().optional());

const emulatorEnvSchema = z.object({
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits'),
  TWILIO_AUTH_TOKEN: z.string().min(1, 'must be set'),
  TWILIO_EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  TWILIO_EMULATOR_HOST: z.string().default('127.0.0.1'),
  EMULATOR_INBOUND_WEBHOOK_URL: optionalUrl,
  EMULATOR_STATUS_CALLBACK_DELAY_MS: z.coerce.number().int().min(0).default(50),
  EMULATOR_HANDLE_OPT_OUT_KEYWORDS: z.stringbool().default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type EmulatorEnv = z.infer<typeof emulatorEnvSchema>;

export function loadEmulatorEnv(source: NodeJS.ProcessEnv = process.env): EmulatorEnv {
  const parsed = emulatorEnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid Twilio emulator configuration:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}
