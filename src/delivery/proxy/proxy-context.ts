import type { Activity } from "./activity.js";
import type { BackendPool } from "./backend-pool.js";
import type { ServiceProxySettings } from "./schema.js";
import type { ProxyLogger } from "./types.js";

/** What the protocol handlers of one proxy share. */
export type ProxyContext = {
  settings: ServiceProxySettings;
  pool: BackendPool;
  activity: Activity;
  counters: { requests: number; failures: number };
  /** Aborts when the proxy closes: nothing new waits for a backend after that. */
  closing: AbortSignal;
  logger: ProxyLogger | undefined;
};
