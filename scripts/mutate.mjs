#!/usr/bin/env node
/**
 * `npm run mutate [-- <folder>… [--mutate <globs>] [stryker options]]`: mutation testing, one folder
 * at a time. The table in mutate-folders.mjs names, per folder, the files Stryker mutates and the
 * tests that must notice; each folder keeps its own incremental file, so a run on one folder never
 * discards another's results and a re-run only tests mutants whose code or covering tests changed.
 * No folder: every folder in the table, one after another.
 * `--mutate` narrows a run to some files of one folder; it then keeps its own incremental and
 * report files (Stryker drops files outside `--mutate` from the incremental file it writes).
 * Reports: reports/mutation/<folder>[--<narrowed>].{html,json}.
 */
import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { FOLDERS, folderEnv } from "./mutate-folders.mjs"

const args = process.argv.slice(2)
const folders = []
while (args.length > 0 && !args[0].startsWith("-")) folders.push(args.shift())
const unknown = folders.filter((f) => !(f in FOLDERS))
if (unknown.length > 0) {
  console.error(`cpppo: unknown mutation folder ${unknown.join(", ")} (known: ${Object.keys(FOLDERS).join(", ")})`)
  process.exit(2)
}
const narrowAt = args.indexOf("--mutate")
const narrowed = narrowAt >= 0 ? args[narrowAt + 1] : undefined
if (narrowed !== undefined && folders.length !== 1) {
  console.error("cpppo: --mutate narrows one folder: name exactly one (e.g. npm run mutate -- cip --mutate src/cip/epath.ts)")
  process.exit(2)
}

let status = 0
for (const folder of folders.length > 0 ? folders : Object.keys(FOLDERS)) {
  // runArgs: options for these runs only, not for CI's changed-line job (e.g. extra reporters).
  const { mutate, args: always = [], runArgs = [] } = FOLDERS[folder]
  // A narrowed run's files name its reports; many line ranges would make a name longer than a file
  // name may be (ENAMETOOLONG), so a long one keeps its start and a hash of the whole.
  const flat = narrowed === undefined ? undefined : narrowed.replace(/[^A-Za-z0-9]+/g, "_")
  const name = flat === undefined ? folder
    : flat.length <= 120 ? `${folder}--${flat}`
    : `${folder}--${flat.slice(0, 100)}_${createHash("sha256").update(narrowed).digest("hex").slice(0, 12)}`
  const options = [
    ...(narrowed === undefined ? ["--mutate", mutate.join(",")] : []),
    "--incrementalFile", `reports/stryker-incremental-${name}.json`,
    ...always,
    ...runArgs,
    ...args
  ]
  console.log(`mutate ${folder}${narrowed === undefined ? "" : ` (${narrowed})`}: stryker run ${options.join(" ")}`)
  const started = Date.now()
  const run = spawnSync("npx", ["stryker", "run", ...options], {
    stdio: "inherit",
    env: {
      ...process.env,
      ...folderEnv(folder, narrowed),
      CPPPO_MUTATION_REPORT: `reports/mutation/${name}`
    }
  })
  console.log(`mutate ${folder}: ${((Date.now() - started) / 60_000).toFixed(1)} min, exit ${run.status}`)
  if (run.status !== 0) status = run.status ?? 1
}
process.exit(status)
