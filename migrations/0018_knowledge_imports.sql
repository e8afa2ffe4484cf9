-- Website import (docs/architecture.md §6; ADRs 0322, 0330-0334): one row per reading of a
-- business's website, the owner's or the weekly re-read's, with its progress, its error in words
-- and the draft (FAQ, services, hours) the owner reviews. Nothing here is applied to an agent:
-- the dashboard applies a draft through PATCH /api/agents/:id and then marks the row applied.
-- A weekly re-read is one row per business per week (the unique index), so a Cron Trigger that
-- runs twice queues it once. Safe to re-run: every step is IF NOT EXISTS.
CREATE TABLE IF NOT EXISTS "knowledge_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"business_id" uuid NOT NULL REFERENCES "businesses"("id") ON DELETE CASCADE,
	"agent_id" uuid REFERENCES "agents"("id") ON DELETE SET NULL,
	"requested_by" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"url" text NOT NULL,
	"kind" text DEFAULT 'owner' NOT NULL,
	"reread_week" integer,
	"status" text DEFAULT 'queued' NOT NULL,
	"error" text,
	"pages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"draft" jsonb,
	"changes" jsonb,
	"applied_at" timestamp with time zone,
	"seen_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "knowledge_imports_status_valid" CHECK ("status" in ('queued', 'reading', 'drafting', 'ready', 'failed')),
	CONSTRAINT "knowledge_imports_kind_valid" CHECK ("kind" in ('owner', 'weekly')),
	CONSTRAINT "knowledge_imports_weekly_has_week" CHECK (("kind" = 'weekly') = ("reread_week" is not null))
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "knowledge_imports_business_id_created_at_idx" ON "knowledge_imports" ("business_id", "created_at");
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "knowledge_imports_weekly_once_key" ON "knowledge_imports" ("business_id", "reread_week") WHERE "kind" = 'weekly';
