ALTER TABLE "agents" ADD COLUMN "notify" text DEFAULT 'important' NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_notify_valid" CHECK ("agents"."notify" in ('all', 'important', 'none'));--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "messages" jsonb;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "live_transcript" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "events" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "refused_reason" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "report_received_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "calls_user_id_created_at_idx" ON "calls" USING btree ("user_id","created_at","id");
