-- Truthful state: a status callback for a message we never sent is kept, marked unmatched.

-- Whether the callback's MessageSid is one of our messages (null: recorded before this was known).
ALTER TABLE "status_callbacks" ADD COLUMN "matched" BOOLEAN;
