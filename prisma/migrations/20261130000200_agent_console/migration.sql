-- Agent console (issue 9): console sign-in with passwords and cookie sessions, canned replies,
-- internal notes, contact names and notes, and search over conversations.

-- Trigram indexes let `ILIKE '%…%'` search use an index. pg_trgm ships with PostgreSQL (contrib)
-- and is a trusted extension, so a database owner may create it; the embedded PGlite loads it too.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- argon2id hash of the agent's console password; null: API tokens only.
ALTER TABLE "agents" ADD COLUMN "password_hash" TEXT;

-- Console sessions: only the SHA-256 of the cookie's value is stored.
CREATE TABLE "agent_sessions" (
    "id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "last_seen_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "agent_sessions_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "agent_sessions_token_hash_key" ON "agent_sessions"("token_hash");
CREATE INDEX "agent_sessions_agent_id_idx" ON "agent_sessions"("agent_id");
ALTER TABLE "agent_sessions" ADD CONSTRAINT "agent_sessions_agent_id_fkey"
    FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Failed sign-ins, counted per (email, client address) over a window by every API process.
CREATE TABLE "sign_in_failures" (
    "id" BIGSERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "client_ip" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sign_in_failures_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "sign_in_failures_email_client_ip_created_at_idx" ON "sign_in_failures"("email", "client_ip", "created_at");
CREATE INDEX "sign_in_failures_created_at_idx" ON "sign_in_failures"("created_at");

-- Canned replies: shared (owner null, unique shortcut among shared ones) or personal (unique
-- shortcut per owner).
CREATE TABLE "canned_replies" (
    "id" TEXT NOT NULL,
    "shortcut" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "shared" BOOLEAN NOT NULL DEFAULT false,
    "owner_agent_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "canned_replies_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "canned_replies_owner_matches_shared" CHECK ("shared" = ("owner_agent_id" IS NULL))
);
CREATE INDEX "canned_replies_owner_agent_id_idx" ON "canned_replies"("owner_agent_id");
CREATE UNIQUE INDEX "canned_replies_shared_shortcut_key" ON "canned_replies"("shortcut") WHERE "shared";
CREATE UNIQUE INDEX "canned_replies_owner_shortcut_key" ON "canned_replies"("owner_agent_id", "shortcut") WHERE NOT "shared";
ALTER TABLE "canned_replies" ADD CONSTRAINT "canned_replies_owner_agent_id_fkey"
    FOREIGN KEY ("owner_agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Internal notes on conversations (never sent to the customer).
CREATE TABLE "conversation_notes" (
    "id" TEXT NOT NULL,
    "conversation_id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversation_notes_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "conversation_notes_conversation_id_created_at_idx" ON "conversation_notes"("conversation_id", "created_at");
ALTER TABLE "conversation_notes" ADD CONSTRAINT "conversation_notes_conversation_id_fkey"
    FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "conversation_notes" ADD CONSTRAINT "conversation_notes_agent_id_fkey"
    FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- What agents call the customer and keep about them.
ALTER TABLE "contacts" ADD COLUMN "name" TEXT;
ALTER TABLE "contacts" ADD COLUMN "notes" TEXT;

-- Search (GET /api/conversations?q=): ILIKE '%…%' on these columns uses the trigram indexes.
CREATE INDEX "messages_body_trgm_idx" ON "messages" USING GIN ("body" gin_trgm_ops);
CREATE INDEX "contacts_name_trgm_idx" ON "contacts" USING GIN ("name" gin_trgm_ops);
CREATE INDEX "conversations_customer_number_trgm_idx" ON "conversations" USING GIN ("customer_number" gin_trgm_ops);
