/** Paths Twilio calls; fixed by existing deployments. */
export const INBOUND_WEBHOOK_PATH = '/api/webhooks/twilio/sms';
export const STATUS_WEBHOOK_PATH = '/api/webhooks/twilio/sms/status';
