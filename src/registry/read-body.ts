import { RegistryError } from "./errors.js";

const tooLarge = (limit: number): RegistryError =>
  new RegistryError("SIZE_INVALID", `the body is larger than the limit of ${limit} bytes`, { status: 413, detail: { limit } });

/** Reads a request body into memory, failing with 413 SIZE_INVALID as soon as it passes `limit` bytes. */
export async function readBody(body: AsyncIterable<Uint8Array>, limit: number, declaredLength?: number): Promise<Buffer> {
  if (declaredLength !== undefined && declaredLength > limit) throw tooLarge(limit);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The Content-Length header as a number; undefined when absent or not a number. */
export function contentLength(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}
