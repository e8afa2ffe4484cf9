/**
 * The dashboard's Vite config. `vite build` (inside `npm run build`) makes the static SPA in
 * web/dist for Cloudflare Pages; `npm run dev` adds @cloudflare/vite-plugin on top of this file
 * (dev/vite-server.mjs) so the worker answers /api/* on the same URL.
 */

import { fileURLToPath } from "node:url";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const webRoot = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: webRoot,
  plugins: [react(), tailwindcss()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The budget check (web/scripts/bundle-budget.mjs) reads this to tell first-load chunks from lazy ones.
    manifest: true,
    sourcemap: false,
  },
});
