-- Exactly-once handling that survives re-execution, and jobs that are parked instead of
-- retried for ever.

-- An inbound text as Twilio sent it held characters PostgreSQL cannot store (NUL, unpaired
-- surrogates); they were replaced by U+FFFD at the webhook.
ALTER TABLE "messages" ADD COLUMN "body_normalized" BOOLEAN NOT NULL DEFAULT false;

-- Whether the customer had opted out when their text was first stored: a store run again after
-- a crash answers from this, not from an opt-out the same text already caused.
ALTER TABLE "messages" ADD COLUMN "sender_opted_out" BOOLEAN;

-- A conversation job (an inbound text, a status callback) that kept failing: kept with its
-- reason so nothing acknowledged is lost, while the conversation goes on with the next one.
-- The id is chosen by the workflow, so a re-run parks it once.
CREATE TABLE "parked_jobs" (
    "id" TEXT NOT NULL,
    "conversation_id" TEXT,
    "workflow_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "message_sid" TEXT,
    "payload" JSONB NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "parked_jobs_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "parked_jobs_conversation_id_created_at_idx" ON "parked_jobs"("conversation_id", "created_at");

ALTER TABLE "parked_jobs" ADD CONSTRAINT "parked_jobs_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE SET NULL ON UPDATE CASCADE;
