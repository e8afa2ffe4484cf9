/** The signed-out screens: one centered card. */
import { Outlet } from "@tanstack/react-router";
import { SandboxBadge } from "./sandbox-badge";

export function AuthLayout() {
  return (
    <div className="flex min-h-screen flex-col items-center px-4 py-10 sm:py-16">
      <div className="mb-8 flex items-center gap-3">
        <span className="text-xl font-bold tracking-tight text-indigo-700">Agentline</span>
        <SandboxBadge />
      </div>
      <main className="w-full max-w-md rounded-lg border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        <Outlet />
      </main>
    </div>
  );
}

export function AuthHeading({ title, description }: { title: string; description?: string }) {
  return (
    <div className="mb-6">
      <h1 className="text-2xl font-bold tracking-tight">{title}</h1>
      {description && <p className="mt-1 text-sm text-slate-600">{description}</p>}
    </div>
  );
}
