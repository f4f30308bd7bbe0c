import { createServer } from "node:net";

/** Whether a TCP port can be listened on at 127.0.0.1 right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A port the system hands out as free at 127.0.0.1. */
export function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `count` distinct free ports: `preferred` ones where all are free, else ones the system picks. */
export async function pickPorts(preferred: readonly number[]): Promise<number[]> {
  const free = await Promise.all(preferred.map((p) => (p > 0 && p < 65536 ? portIsFree(p) : Promise.resolve(false))));
  if (free.every(Boolean)) return [...preferred];
  const picked: number[] = [];
  while (picked.length < preferred.length) {
    const port = await anyFreePort();
    if (!picked.includes(port)) picked.push(port);
  }
  return picked;
}
