/**
 * Bundle the `cpppo` command (dist/cli/bin.js, as tsc wrote it) into one file in its place.
 *
 * Why: Node 20 loads an unbundled CLI as some 600 ES modules (effect, @effect/cli, platform, ours),
 * which cost about 0.9 s of CPU before the first option is parsed; bundled, 0.4 s. Every command
 * starts faster, and a fleet of 500 controllers is listening sooner (see README, "A fleet of
 * controllers", Measured). Modules the CLI imports lazily (`import("../web/server.js")`) stay lazy:
 * esbuild evaluates them on first import. Apps importing the library (dist/index.js) are
 * untouched and share their own copy of Effect (the peer dependency); the CLI is an application
 * and carries the copy it was built with.
 */
import { build } from "esbuild"
import { chmodSync, rmSync } from "node:fs"
import { fileURLToPath } from "node:url"

const bin = fileURLToPath(new URL("../dist/cli/bin.js", import.meta.url))
await build({
  entryPoints: [bin],
  outfile: bin,
  allowOverwrite: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
  // CommonJS dependencies (prom-client, rotating-file-stream) call require() for node's modules.
  banner: { js: "import { createRequire as __cpppoRequire } from 'node:module'; const require = __cpppoRequire(import.meta.url);" }
})
rmSync(`${bin}.map`, { force: true }) // tsc's map describes the unbundled file
chmodSync(bin, 0o755)
