/**
 * What the OpenRouter stand-in writes: plausible receptionist texts (an FAQ, a greeting,
 * policies) from the business description the prompt carries, so the sandbox shows something
 * that reads like the real thing. No model: sentences of the description, sorted into topics.
 */

/** The user message carries the business as JSON data ({businessDescription, agentName, tone}); plain text works too. */
export function readInput(text) {
  let data = {};
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === "object") data = parsed;
  } catch {
    data = { businessDescription: text };
  }
  const description = String(data.businessDescription ?? data.description ?? text).trim();
  const sentences = description.split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter(Boolean);
  const name = String(data.agentName ?? "").trim() || guessName(description);
  return { description, sentences, name, tone: String(data.tone ?? "friendly") };
}

function guessName(description) {
  const match = /^([A-Z][\w'&-]*(?:\s+[A-Z][\w'&-]*){0,3})/.exec(description);
  return match?.[1] ?? "our business";
}

const TOPICS = [
  { test: /\b(open|hours|am\b|pm\b|monday|weekend|saturday|sunday)/i, question: "What are your opening hours?" },
  { test: /\b(located|address|street|avenue|downtown|near|next to)/i, question: "Where are you located?" },
  { test: /\bpark/i, question: "Is there parking?" },
  { test: /(\$|\bprice|\bcost|\bfee|\brates?\b)/i, question: "How much do your services cost?" },
  { test: /\b(walk-?ins?|appointment|book)/i, question: "Do I need an appointment?" },
  { test: /\binsurance/i, question: "Do you accept insurance?" },
  { test: /\b(offer|speciali[sz]e|provide|services?)\b/i, question: "What services do you offer?" },
];

const GENERIC = [
  ["How do I book an appointment?", "You can book right here on the phone: tell me the day and time that suits you and I will check what is free."],
  ["Can I cancel or reschedule?", "Yes. Please let us know at least 24 hours ahead so we can offer the time to someone else."],
  ["Which payment methods do you accept?", "We accept cash and all major credit and debit cards."],
  ["Can I speak to a person?", "Of course. During business hours I can put you through; otherwise I can take a message and have someone call you back."],
  ["Do you have gift cards?", "Yes, gift cards are available. Ask us at your next visit or leave a message and we will call you back."],
  ["Is your location accessible?", "Yes, our location is step-free and accessible."],
];

export function faq(input) {
  const pairs = [];
  const seen = new Set();
  for (const sentence of input.sentences) {
    const topic = TOPICS.find((t) => t.test.test(sentence) && !seen.has(t.question));
    if (!topic) continue;
    seen.add(topic.question);
    pairs.push({ question: topic.question, answer: sentence });
  }
  const first = input.sentences[0];
  if (first && !seen.has("What services do you offer?") && !pairs.some((p) => p.answer === first)) {
    pairs.unshift({ question: `What is ${input.name}?`, answer: first });
  }
  for (const [question, answer] of GENERIC) {
    if (pairs.length >= 8) break;
    if (!pairs.some((p) => p.question === question)) pairs.push({ question, answer });
  }
  return pairs.slice(0, 12);
}

export function greeting(input) {
  const opener = /professional|formal/i.test(input.tone) ? "Good day, thank you for calling" : "Hi, thanks for calling";
  return `${opener} ${input.name}! How can I help you today?`;
}

export function policies(input) {
  return [
    `Cancellations: please cancel or reschedule at least 24 hours in advance; late cancellations at ${input.name} may be charged.`,
    "Late arrivals: if you are more than 15 minutes late we may need to shorten or move your appointment.",
    "Payment: payment is due at the time of service; we accept cash and major cards.",
    "Privacy: we only use your contact details to manage your appointments.",
  ].join("\n");
}
