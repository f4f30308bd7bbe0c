import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Store } from "../store/index.js";

/** Prometheus metrics of the control plane; one registry per server (no globals). */
export function createMetrics(store: Store): { registry: Registry; jobDuration: Histogram; webhooks: Counter } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "ferry_process_" });
  new Gauge({
    name: "ferry_jobs_queued", help: "Jobs waiting for a runner", registers: [registry],
    collect() { this.set((store.sqlite.prepare("SELECT COUNT(*) AS n FROM jobs WHERE status = 'queued'").get() as { n: number }).n); },
  });
  new Gauge({
    name: "ferry_jobs_in_progress", help: "Jobs running on a runner", registers: [registry],
    collect() { this.set((store.sqlite.prepare("SELECT COUNT(*) AS n FROM jobs WHERE status = 'in_progress'").get() as { n: number }).n); },
  });
  new Gauge({
    name: "ferry_runners_online", help: "Runners seen in the last minute", registers: [registry],
    collect() { this.set((store.sqlite.prepare("SELECT COUNT(*) AS n FROM runners WHERE last_seen > ?").get(Date.now() - 60_000) as { n: number }).n); },
  });
  const jobDuration = new Histogram({ name: "ferry_job_duration_seconds", help: "Job durations", labelNames: ["conclusion"], buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600], registers: [registry] });
  const webhooks = new Counter({ name: "ferry_webhook_deliveries_total", help: "Webhook deliveries by outcome", labelNames: ["outcome"], registers: [registry] });
  return { registry, jobDuration, webhooks };
}
