/**
 * Before any test: make sure `dist/` (the real `cpppo` binary, `node dist/cli/bin.js`, which the CLI
 * and packaging tests run, bundled into one file) is built from the current `src/`. `npm ci` builds it (prepare); during
 * development a source file newer than the binary triggers `npm run build` once per test run.
 */
import { execFileSync } from "node:child_process"
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const ROOT = fileURLToPath(new URL("..", import.meta.url))

const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = join(dir, e.name)
    return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }, 0)

export default function setup(): void {
  const bin = join(ROOT, "dist", "cli", "bin.js")
  if (existsSync(bin) && statSync(bin).mtimeMs >= newest(join(ROOT, "src"))) return
  execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" })
  // The command is bundled into one file (scripts/build-cli.mjs), as `npm run build` does.
  execFileSync(process.execPath, [join(ROOT, "scripts", "build-cli.mjs")], { cwd: ROOT, stdio: "inherit" })
}
