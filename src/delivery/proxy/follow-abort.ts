/**
 * Aborts `target` when `source` aborts, until the returned function unlinks them; unlike
 * AbortSignal.any this leaves nothing attached to a long-lived `source` once a request is done.
 */
export function followAbort(target: AbortController, source: AbortSignal): () => void {
  if (source.aborted) {
    target.abort(source.reason);
    return () => undefined;
  }
  const onAbort = (): void => target.abort(source.reason);
  source.addEventListener("abort", onAbort, { once: true });
  return () => source.removeEventListener("abort", onAbort);
}
