/**
 * Plan → apply. A deploy is a list of steps; each step can `check` what is there (read only)
 * and, when its check says "todo", `apply` what is missing. A dry run is every check and
 * nothing else. A real run checks and applies one step at a time, in order, and stops at the
 * first failure: because every check looks at what exists (not at a record of past runs), the
 * next run finds the finished steps "done" and resumes at the one that failed, and a run after
 * a complete one applies nothing.
 */

/**
 * What a step found.
 *   done    nothing to do
 *   todo    `apply` would change something (listed in `actions`)
 *   person  only a person can do it (the commands or clicks are in `actions`)
 *   blocked cannot be checked or done until something else is (said in `summary`)
 * @typedef {{ status: "done" | "todo" | "person" | "blocked", summary: string, actions?: string[] }} Check
 */

/**
 * @template C
 * @typedef {{ id: string, title: string, check: (ctx: C) => Promise<Check>, apply?: (ctx: C, check: Check) => Promise<string | void> }} Step
 */

/**
 * @typedef {{ id: string, title: string, outcome: "unchanged" | "changed" | "person" | "blocked" | "failed" | "planned" | "not reached",
 *   summary: string, actions: string[] }} StepResult
 */

/**
 * Every check, nothing applied.
 * @template C
 * @param {Step<C>[]} steps @param {C} ctx @returns {Promise<StepResult[]>}
 */
export async function planDeploy(steps, ctx) {
  /** @type {StepResult[]} */
  const results = [];
  for (const step of steps) {
    const check = await safeCheck(step, ctx);
    const outcome = check.status === "done" ? "unchanged" : check.status === "todo" ? "planned" : check.status;
    results.push({ id: step.id, title: step.title, outcome, summary: check.summary, actions: check.actions ?? [] });
  }
  return results;
}

/**
 * Checks and applies step by step; stops at the first failure (the rest are "not reached").
 * @template C
 * @param {Step<C>[]} steps @param {C} ctx @param {(result: StepResult) => void} [onResult]
 * @returns {Promise<StepResult[]>}
 */
export async function applyDeploy(steps, ctx, onResult = () => {}) {
  /** @type {StepResult[]} */
  const results = [];
  let failed = false;
  for (const step of steps) {
    /** @type {StepResult} */
    let result;
    if (failed) {
      result = { id: step.id, title: step.title, outcome: "not reached", summary: "an earlier step failed", actions: [] };
    } else {
      const check = await safeCheck(step, ctx);
      if (check.status === "todo" && step.apply) {
        try {
          const summary = await step.apply(ctx, check);
          result = { id: step.id, title: step.title, outcome: "changed", summary: summary || check.summary, actions: check.actions ?? [] };
        } catch (error) {
          failed = true;
          result = { id: step.id, title: step.title, outcome: "failed", summary: errorText(error), actions: check.actions ?? [] };
        }
      } else {
        const outcome = check.status === "done" ? "unchanged" : check.status === "todo" ? "blocked" : check.status;
        result = { id: step.id, title: step.title, outcome, summary: check.summary, actions: check.actions ?? [] };
      }
    }
    results.push(result);
    onResult(result);
  }
  return results;
}

/** A check that throws cannot say what is there: the step is blocked, with the reason. */
async function safeCheck(step, ctx) {
  try {
    return await step.check(ctx);
  } catch (error) {
    return /** @type {Check} */ ({ status: "blocked", summary: `could not check: ${errorText(error)}` });
  }
}

/** @param {unknown} error */
export function errorText(error) {
  if (!(error instanceof Error)) return String(error);
  const body = /** @type {{ body?: unknown }} */ (error).body;
  return body && typeof body === "object" ? `${error.message} ${JSON.stringify(body).slice(0, 300)}` : error.message;
}

const MARK = { unchanged: "ok  ", changed: "done", planned: "todo", person: "YOU ", blocked: "wait", failed: "FAIL", "not reached": "    " };

/** One line per step (and one per action under it). @param {StepResult[]} results @returns {string[]} */
export function formatResults(results) {
  const lines = [];
  for (const result of results) {
    lines.push(`[${MARK[result.outcome]}] ${result.title}: ${result.summary}`);
    for (const action of result.actions) lines.push(`         ${action}`);
  }
  return lines;
}

/**
 * One line saying where the deploy stands, and the exit code: 0 complete (or a dry run that
 * could plan), 1 a step failed, 3 incomplete (something waits for a person or another step).
 * @param {StepResult[]} results @param {{ dryRun: boolean }} options
 */
export function deployStatus(results, { dryRun }) {
  const count = (outcome) => results.filter((result) => result.outcome === outcome).length;
  const waiting = results.filter((result) => (result.outcome === "person" || result.outcome === "blocked") && result.id !== "by-hand").length;
  if (dryRun) {
    return {
      code: 0,
      line: `DRY RUN, nothing was changed: ${count("planned")} step(s) to apply, ${waiting} waiting for you or for another step, ${count("unchanged")} already done.`,
    };
  }
  const failed = results.find((result) => result.outcome === "failed");
  if (failed) return { code: 1, line: `FAILED at "${failed.title}": ${failed.summary}. Fix it and run the same command again; finished steps are not redone.` };
  if (waiting) return { code: 3, line: `INCOMPLETE: ${count("changed")} step(s) applied, ${waiting} waiting (see YOU/wait above). Run the same command again once they are done.` };
  return { code: 0, line: count("changed") ? `DEPLOYED: ${count("changed")} step(s) applied.` : "UP TO DATE: nothing to change." };
}
