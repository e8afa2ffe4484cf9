-- Consent (DESIGN §7d, ADR 0121): an owner may turn call recording off per agent. Existing
-- agents keep recording, as they did; the first words say so either way.
ALTER TABLE "agents" ADD COLUMN IF NOT EXISTS "recording_enabled" boolean DEFAULT true NOT NULL;
