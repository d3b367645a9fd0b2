// A Twilio-compatible server for local runs and tests: the Messages API (create, fetch, list)
// with Twilio's validation and error codes, signed status callbacks, and a customer to play
// inbound SMS. See types.ts for the contract.
export { createTwilioEmulator } from './create-emulator.ts';
export type {
  DeliveryOutcome,
  EmulatedMediaInput,
  EmulatedMessage,
  InboundSmsInput,
  InboundSmsResult,
  TwilioEmulator,
  TwilioEmulatorOptions,
} from './types.ts';
