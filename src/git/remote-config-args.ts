/**
 * `-c` options for git commands that talk to a user-supplied remote: the `ext::`
 * transport (which runs arbitrary commands) is never allowed, and with a
 * timeout, HTTP transfers that stall for that long are abandoned by git itself.
 */
export function remoteConfigArgs(timeoutMs?: number): string[] {
  const args = ["-c", "protocol.ext.allow=never"];
  if (timeoutMs !== undefined) {
    const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
    args.push("-c", "http.lowSpeedLimit=1", "-c", `http.lowSpeedTime=${seconds}`);
  }
  return args;
}
