-- Time in conversations (scheduled sends, after-hours replies).

-- A scheduled message is an outbound row with status 'scheduled' from the moment an agent
-- schedules it; send_at says when it leaves (edited while it waits).
ALTER TABLE "messages" ADD COLUMN "send_at" TIMESTAMP(3);
CREATE INDEX "messages_status_send_at_idx" ON "messages" ("status", "send_at") WHERE "send_at" IS NOT NULL;

-- Whether the customer's current wait passed its response-time target, kept by the workflow
-- with the attention flag, so queues can show and sort on it without asking each workflow.
ALTER TABLE "conversations" ADD COLUMN "sla_breached" BOOLEAN NOT NULL DEFAULT false;

-- What makes a rule answer: its keywords, or a text arriving outside business hours.
ALTER TABLE "auto_response_rules" ADD COLUMN "trigger" TEXT NOT NULL DEFAULT 'keyword';
ALTER TABLE "auto_response_rules" ADD CONSTRAINT "auto_response_rules_trigger_check" CHECK ("trigger" IN ('keyword', 'after_hours'));

-- The after-hours reply ships as a rule admins edit like the others. It answers only when
-- BUSINESS_HOURS is configured, at most once per closed period per conversation.
INSERT INTO "auto_response_rules" ("id", "name", "keywords", "response", "priority", "flags_agent", "opts_out", "active", "trigger", "updated_at") VALUES
('7d3c2a3e-0c1f-4d59-9a44-000000000006', 'After hours', ARRAY[]::TEXT[],
 'Thanks for your message. We''re closed right now; an agent will reply when we open. Reply STOP to unsubscribe.',
 1000, false, false, true, 'after_hours', CURRENT_TIMESTAMP)
ON CONFLICT DO NOTHING;
