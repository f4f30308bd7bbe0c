import { z } from "zod";
import { applicationSchema } from "../../resources/index.js";
import type { Application } from "../../resources/index.js";
import type { ApplicationStatus } from "./application-controller.js";
import type { SyncReport } from "./live-state.js";

const watchResponse = z.object({
  cursor: z.string(),
  full: z.boolean(),
  applications: z.array(z.object({ name: z.string(), generation: z.number(), spec: z.unknown() })),
  commits: z.array(z.object({ url: z.string(), sha: z.string(), ref: z.string() })),
  operations: z.array(z.object({ id: z.number(), app: z.string(), type: z.enum(["sync", "rollback"]), revision: z.string().nullable(), actor: z.string() })),
});
export type WatchResponse = Omit<z.infer<typeof watchResponse>, "applications"> & { applications: Application[] };
export type AppOperation = WatchResponse["operations"][number];

/** The agent's side of the server protocol; outbound HTTP only, with the agent's token. */
export function createServerLink(o: { url: string; token: string; agent: string }) {
  const base = o.url.replace(/\/+$/, "");
  const call = async (method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> => {
    const res = await fetch(`${base}${path}`, {
      method, headers: { authorization: `Bearer ${o.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }), ...(signal ? { signal } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as unknown) : {};
  };
  return {
    async watch(cursor: string | undefined, waitMs: number, signal: AbortSignal): Promise<WatchResponse> {
      const q = new URLSearchParams({ waitMs: String(waitMs), ...(cursor ? { cursor } : {}) });
      const r = watchResponse.parse(await call("GET", `/api/v1/agents/${encodeURIComponent(o.agent)}/watch?${q.toString()}`, undefined, signal));
      const applications = r.applications.flatMap((a) => {
        const parsed = applicationSchema.safeParse({ apiVersion: "ferry/v1alpha1", kind: "Application", metadata: { name: a.name }, spec: a.spec });
        return parsed.success ? [parsed.data] : [];
      });
      return { ...r, applications };
    },
    async status(app: string, status: ApplicationStatus): Promise<void> {
      await call("PUT", `/api/v1/applications/${encodeURIComponent(app)}/status`, { agent: o.agent, status });
    },
    async sync(app: string, report: SyncReport): Promise<boolean> {
      await call("POST", `/api/v1/applications/${encodeURIComponent(app)}/syncs`, { agent: o.agent, ...report });
      return true;
    },
    async completeOperation(app: string, id: number, result: string): Promise<void> {
      await call("POST", `/api/v1/applications/${encodeURIComponent(app)}/operations/${id}/complete`, { result });
    },
  };
}
export type ServerLink = ReturnType<typeof createServerLink>;
