import { Agent } from "node:http";

/**
 * One keep-alive HTTP agent per backend address, so connections to a replica are reused and are
 * closed together once that replica is retired.
 */
export function createBackendAgents() {
  const agents = new Map<string, Agent>();
  return {
    for(key: string): Agent {
      let agent = agents.get(key);
      if (agent === undefined) {
        // Idle sockets close after 4 s (sooner if the backend's Keep-Alive header asks), before
        // common server idle timeouts, so a request rarely meets a socket the backend just closed.
        agent = new Agent({ keepAlive: true, scheduling: "lifo", timeout: 4_000 });
        agents.set(key, agent);
      }
      return agent;
    },
    retire(key: string): void {
      agents.get(key)?.destroy();
      agents.delete(key);
    },
    destroyAll(): void {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}
