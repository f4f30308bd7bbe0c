import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { greeting, parseBuild } from "./greeting.mjs";

const read = (name) => {
  try {
    return readFileSync(new URL(name, import.meta.url), "utf8");
  } catch {
    return "";
  }
};

const page = greeting(read("message.txt"), parseBuild(read("BUILD")));
const stage = process.env.STAGE ?? "local";

createServer((req, res) => {
  res.setHeader("content-type", "text/plain; charset=utf-8");
  if (req.url === "/healthz") {
    res.end("ok\n");
    return;
  }
  res.end(`${page}stage ${stage}\n`);
}).listen(Number(process.env.PORT ?? 3000), "127.0.0.1");
