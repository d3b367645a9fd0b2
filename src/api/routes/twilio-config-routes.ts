// Lets an admin check the Twilio set-up: what is configured (never the auth token), the webhook
// URLs to give Twilio, and a test SMS sent through the real pipeline.
import type { ApiDeps } from '../api-deps.ts';
import type { ApiRoutes } from '../routing/api-routes.ts';
import { BODY_LIMIT_ERRORS, checkMessageBody } from './conversations/message-rules.ts';
import { sendTestSms } from './twilio-config/send-test-sms.ts';
import { testSmsResultSchema, twilioConfigActionBody, twilioConfigSchema } from './twilio-config/twilio-config-schemas.ts';
import { twilioConfigView } from './twilio-config/twilio-config-view.ts';

const TAG = 'Twilio configuration';

export function registerTwilioConfigRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/api/test-twilio-config',
    summary: 'Show the Twilio configuration (auth token never included)',
    tag: TAG,
    access: 'admin',
    response: { status: 200, description: 'The configuration as the API uses it', schema: twilioConfigSchema },
    async handle() {
      return twilioConfigView(deps);
    },
  });

  routes.add({
    method: 'post',
    path: '/api/test-twilio-config',
    summary: 'Send a test SMS from the business number',
    tag: TAG,
    access: 'admin',
    body: twilioConfigActionBody(deps.twilio.config.phoneNumber),
    response: {
      status: 200,
      description:
        'Twilio accepted the message. It is sent through the conversation with that number (reopened if closed), so it is stored first and opt-outs are honoured',
      schema: testSmsResultSchema,
    },
    errors: {
      400: `Invalid request (validation_failed), or a message refused as any message body is: ${BODY_LIMIT_ERRORS}`,
      409: 'The recipient has opted out (customer_opted_out)',
      422: 'No business phone number is configured (no_phone_number), or Twilio refused the message (twilio_rejected)',
      502: 'The message could not be sent (send_failed)',
      503: 'Temporal is unavailable (temporal_unavailable)',
    },
    async handle(_ctx, { body, agent }) {
      checkMessageBody(body.message, 'body.message');
      return sendTestSms(deps, { phoneNumber: body.phoneNumber, message: body.message, agentId: agent.id });
    },
  });
}
