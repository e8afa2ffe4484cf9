/**
 * The floor's own floor: a bare one-route Hono worker, run by the bench on the same
 * `wrangler dev` setup as the app, so `/api/ping` can be judged against what Hono on workerd
 * costs with nothing in front of it (docs/architecture.md §11: at least 90% of this worker's throughput).
 */
import { Hono } from "hono";

const app = new Hono();
app.get("/api/ping", (c) => c.body(null, 204));

export default app;
