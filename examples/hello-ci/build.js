// Packages the app: copies the sources into dist/ with a version file.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";

mkdirSync("dist", { recursive: true });
cpSync("src/greet.js", "dist/greet.js");
writeFileSync("dist/VERSION", `${process.env.GITHUB_SHA ?? "dev"}\n`);
console.log("built dist/");
