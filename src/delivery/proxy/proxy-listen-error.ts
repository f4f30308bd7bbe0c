/** The proxy could not listen on its address (port taken, address not local, …). */
export class ProxyListenError extends Error {
  readonly code = "proxy-listen-failed";
  readonly host: string;
  readonly port: number;

  constructor(host: string, port: number, cause: unknown) {
    const reason = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : String(cause);
    super(`the service proxy cannot listen on ${host}:${port}: ${reason}`, { cause });
    this.name = "ProxyListenError";
    this.host = host;
    this.port = port;
  }
}
