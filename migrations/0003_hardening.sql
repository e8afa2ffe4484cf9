CREATE TABLE "stripe_refunds" (
	"charge_id" text PRIMARY KEY NOT NULL,
	"checkout_session_id" text NOT NULL,
	"user_id" uuid NOT NULL,
	"amount_charged" integer NOT NULL,
	"amount_refunded" integer NOT NULL,
	"currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stripe_refunds_amounts_valid" CHECK ("stripe_refunds"."amount_charged" > 0 and "stripe_refunds"."amount_refunded" >= 0)
);
--> statement-breakpoint
ALTER TABLE "stripe_refunds" ADD CONSTRAINT "stripe_refunds_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stripe_refunds_checkout_session_id_idx" ON "stripe_refunds" USING btree ("checkout_session_id");
