/**
 * `npm run bench -- NAME [args…]` runs scripts/bench/NAME.ts; with no NAME, lists them.
 */
import { spawnSync } from "node:child_process"
import { readdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_"))
  .map((f) => f.slice(0, -3))
const [name, ...rest] = process.argv.slice(2)
if (name === undefined || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join("|")}> [args…]`)
  process.exit(name === undefined ? 0 : 2)
}
const r = spawnSync(process.execPath, ["--import", "tsx", join(here, `${name}.ts`), ...rest], { stdio: "inherit" })
process.exit(r.status ?? 1)
