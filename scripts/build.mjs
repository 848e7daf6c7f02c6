#!/usr/bin/env node
// Builds every target of asconfig.json (one per plugin, plus the test-only modules) into build/,
// and assembles the hand-written WAT modules under bench/wat/ with wabt (the host floor for `make bench`).
// Usage: node scripts/build.mjs [--gc-every-call] [target ...]     (no targets: all of them)
// --gc-every-call builds the collector's torture mode (collect on every return to the host; `make test-gc`).
import { readFileSync, writeFileSync, mkdirSync, readdirSync, statSync, existsSync } from "node:fs";
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { dirname, join, basename } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const asconfig = JSON.parse(readFileSync(join(root, "asconfig.json"), "utf8"));
const flags = process.argv.slice(2).filter((a) => a.startsWith("--"));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const unknownFlags = flags.filter((f) => f !== "--gc-every-call");
if (unknownFlags.length) {
  console.error(`unknown option(s): ${unknownFlags.join(", ")}`);
  process.exit(2);
}
const extraArgs = flags.includes("--gc-every-call") ? ["--use", "PROXY_RUNTIME_GC_EVERY_CALL=1"] : [];
// Targets without entries (such as "test") only carry options for modules that tests compile themselves.
const targets = Object.entries(asconfig.targets).filter(([name, t]) => t.entries && (wanted.length === 0 || wanted.includes(name)));
if (wanted.length && targets.length !== wanted.length) {
  console.error(`unknown target(s): ${wanted.filter((w) => !asconfig.targets[w]).join(", ")}`);
  process.exit(2);
}

const asc = join(root, "node_modules", ".bin", "asc");

function compile([name, target]) {
  return new Promise((resolve, reject) => {
    const args = [...target.entries, "--config", "asconfig.json", "--target", name, ...extraArgs];
    const child = spawn(asc, args, { cwd: root, stdio: ["ignore", "inherit", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      // asc prints this Binaryen note on every converged build; it is not a problem.
      const noise = stderr.split("\n").filter((l) => l.trim() && !/Last converge was suboptimal/.test(l));
      if (code !== 0) return reject(new Error(`asc ${name} failed:\n${noise.join("\n")}`));
      if (noise.length) process.stderr.write(noise.join("\n") + "\n");
      const size = statSync(join(root, target.outFile)).size;
      console.log(`built ${target.outFile} (${(size / 1024).toFixed(1)} KB)`);
      resolve();
    });
  });
}

async function assembleWat() {
  const watDir = join(root, "bench", "wat");
  if (!existsSync(watDir)) return;
  const wabt = await (await import("wabt")).default();
  for (const file of readdirSync(watDir).filter((f) => f.endsWith(".wat"))) {
    const mod = wabt.parseWat(file, readFileSync(join(watDir, file), "utf8"));
    const { buffer } = mod.toBinary({});
    const out = join(root, "build", basename(file, ".wat") + ".wasm");
    writeFileSync(out, buffer);
    console.log(`assembled ${out.replace(root + "/", "")} (${buffer.length} bytes)`);
  }
}

mkdirSync(join(root, "build"), { recursive: true });
const queue = [...targets];
const workers = Array.from({ length: Math.max(1, Math.min(availableParallelism(), 4)) }, async () => {
  while (queue.length) await compile(queue.shift());
});
try {
  await Promise.all(workers);
  if (wanted.length === 0) await assembleWat();
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
