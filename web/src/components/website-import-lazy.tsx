/**
 * The website import, loaded when its screen is shown: the agent page is the dashboard's heaviest
 * first screen (docs/architecture.md §11's first-load budget), and the import is used rarely.
 */
import { lazy, Suspense } from "react";
import type { Agent } from "../lib/agent-types";

const WebsiteImport = lazy(() => import("./website-import").then((module) => ({ default: module.WebsiteImport })));

export function LazyWebsiteImport({ agent }: { agent: Agent }) {
  return (
    <Suspense fallback={null}>
      <WebsiteImport agent={agent} />
    </Suspense>
  );
}
