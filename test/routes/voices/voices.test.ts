import { describe, expect, it } from "vitest";
import { VAPI_VOICE_IDS } from "../../../dev/stand-ins/vapi-validation.mjs";
import { createAgentVia } from "../../support/agents";
import { createUser } from "../../support/factories";
import { call } from "../../support/http";
import { assistantAtVapi } from "../../support/vapi";

interface VoiceJson {
  provider: string;
  voiceId: string;
  name: string;
  gender?: string;
  accent?: string;
}

describe("GET /api/voices", () => {
  it("lists the curated voices with provider, voiceId and name", async () => {
    const { cookie } = await createUser();
    const response = await call("/api/voices", { cookie });
    expect(response.status).toBe(200);
    const { voices } = (await response.json()) as { voices: VoiceJson[] };
    expect(voices.length).toBeGreaterThan(5);
    expect(voices).toContainEqual({ provider: "vapi", voiceId: "Elliot", name: "Elliot", gender: "male", accent: "Canadian" });
    for (const voice of voices) {
      expect(voice).toMatchObject({ provider: expect.any(String), voiceId: expect.any(String), name: expect.any(String) });
      if (voice.provider === "vapi") expect(VAPI_VOICE_IDS).toContain(voice.voiceId);
    }
    expect(new Set(voices.map((v) => `${v.provider}:${v.voiceId}`)).size).toBe(voices.length);
  });

  it("every listed voice is accepted for an agent and reaches Vapi as chosen", async () => {
    const { cookie } = await createUser();
    const { voices } = (await (await call("/api/voices", { cookie })).json()) as { voices: VoiceJson[] };
    const picks = [voices[0], voices[voices.length - 1]];
    for (const voice of picks) {
      const agent = await createAgentVia(cookie, { voice: { provider: voice?.provider, voiceId: voice?.voiceId } });
      expect(agent.voice).toEqual({ provider: voice?.provider, voiceId: voice?.voiceId });
      expect((await assistantAtVapi(agent.vapiAssistantId))?.voice).toEqual({ provider: voice?.provider, voiceId: voice?.voiceId });
    }
  });

  it("needs a session", async () => {
    expect((await call("/api/voices")).status).toBe(401);
  });
});
