/** What the page says: the message, then which build this is. */
export function greeting(message, build) {
  const commit = build.commit ? ` (commit ${build.commit.slice(0, 7)})` : "";
  return `${message.trim()}\nversion ${build.version}${commit}\n`;
}

/** Reads the BUILD file CI writes: the version on the first line, the commit on the second. */
export function parseBuild(text) {
  const [version = "", commit = ""] = text.split("\n").map((line) => line.trim());
  return { version: version || "unreleased", commit };
}
