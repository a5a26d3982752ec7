// @ts-check
/**
 * CI's mutation job: Stryker on the source lines a change touched (`npm run mutate:changed`).
 *
 * A full mutation run takes hours on 2 cores, so CI mutates only the lines of `src/` that differ
 * between BASE (default `HEAD^`, the first parent: for a merge commit, everything the branch
 * brought) and HEAD, capped at `--max-lines` lines so the job stays within CI's time limit (the
 * lines left out are named). Each touched folder runs with its own mutation test set (the table
 * in mutate-folders.mjs, shared with `npm run mutate`), narrowed to the changed ranges as
 * `npm run mutate -- <folder> --mutate <ranges>` is (CPPPO_MUTATE_FILES: a folder's vitest config
 * adds the tests its per-file table gives those files, e.g. web's HTTP tests); a folder without a
 * set is named and skipped. The job fails when the changed lines of a
 * folder score below `--break` (a mutant there that no test notices is new code no test holds).
 *
 *   node scripts/mutate-changed.mjs [--base REV] [--max-lines N] [--break PERCENT]
 */
import { execFileSync, spawnSync } from "node:child_process"
import { existsSync, readFileSync, rmSync } from "node:fs"
import { FOLDERS, folderEnv } from "./mutate-folders.mjs"

const args = process.argv.slice(2)
/** @param {string} name @param {string} fallback */
const option = (name, fallback) => {
  const i = args.indexOf(name)
  if (i < 0) return fallback
  const value = args[i + 1]
  if (value === undefined || value.startsWith("--")) {
    console.error(`cpppo: ${name} needs a value`)
    process.exit(2)
  }
  return value
}
const base = option("--base", process.env.MUTATE_BASE ?? "HEAD^")
const maxLines = Number(option("--max-lines", "40"))
const breakAt = Number(option("--break", "60"))
if (!Number.isInteger(maxLines) || maxLines < 1 || !(breakAt >= 0 && breakAt <= 100)) {
  console.error("cpppo: --max-lines must be a positive integer and --break a percentage")
  process.exit(2)
}

/** @param {string[]} argv */
const git = (argv) => execFileSync("git", argv, { encoding: "utf8", maxBuffer: 64 << 20 })
try {
  git(["rev-parse", "--verify", "--quiet", `${base}^{commit}`])
} catch {
  console.log(`mutate:changed: no base ${base} (a first commit or a shallow clone): nothing to compare`)
  process.exit(0)
}

/**
 * Changed line ranges of HEAD's files, from a zero-context diff: `@@ -a,b +c,d @@` adds lines
 * c..c+d-1 (d = 0 is a pure deletion: nothing in HEAD to mutate).
 * @type {Array<{ file: string, start: number, end: number }>}
 */
const ranges = []
let file = ""
for (const line of git(["diff", "--unified=0", "--no-color", "--no-renames", base, "HEAD", "--", "src"]).split("\n")) {
  if (line.startsWith("+++ ")) file = line.startsWith("+++ b/") ? line.slice(6) : ""
  const hunk = /^@@ -\S+ \+(\d+)(?:,(\d+))? @@/.exec(line)
  if (hunk && file.endsWith(".ts")) {
    const start = Number(hunk[1])
    const count = hunk[2] === undefined ? 1 : Number(hunk[2])
    if (count > 0) ranges.push({ file, start, end: start + count - 1 })
  }
}

/** @type {Map<string, string[]>} */
const byFolder = new Map()
/** @type {Array<{ key: string, lines: number }>} */
const skipped = []
let budget = maxLines
for (const r of ranges) {
  const folder = r.file.split("/")[1] ?? ""
  const entry = FOLDERS[folder]
  if (!entry) {
    skipped.push({ key: `${r.file} (no mutation test set for src/${folder})`, lines: r.end - r.start + 1 })
    continue
  }
  if (entry.exclude?.test(r.file)) continue
  if (budget <= 0) {
    skipped.push({ key: `${r.file} (over --max-lines ${maxLines})`, lines: r.end - r.start + 1 })
    continue
  }
  const end = Math.min(r.end, r.start + budget - 1)
  budget -= end - r.start + 1
  if (end < r.end) skipped.push({ key: `${r.file} (over --max-lines ${maxLines})`, lines: r.end - end })
  const list = byFolder.get(folder) ?? []
  list.push(`${r.file}:${r.start}-${end}`)
  byFolder.set(folder, list)
}

console.log(`mutate:changed: ${git(["rev-parse", "--short", base]).trim()}..HEAD, ${ranges.length} changed range(s) in src/`)
/** @type {Map<string, number>} lines left out, per file and reason */
const left = new Map()
for (const s of skipped) left.set(s.key, (left.get(s.key) ?? 0) + s.lines)
for (const [key, lines] of left) console.log(`  not mutated: ${key}, ${lines} line(s)`)
if (byFolder.size === 0) {
  console.log("mutate:changed: no changed line has a mutation test set: nothing to mutate")
  process.exit(0)
}

let failed = false
for (const [folder, mutate] of byFolder) {
  const report = `reports/mutation/changed-${folder}.json`
  rmSync(report, { force: true })
  console.log(`\nsrc/${folder}: ${mutate.join(" ")}`)
  const run = spawnSync(
    "npx",
    [
      "stryker", "run", "stryker.changed.config.mjs",
      "--mutate", mutate.join(","),
      ...(FOLDERS[folder].args ?? []),
      "--logLevel", "warn"
    ],
    { stdio: "inherit", env: { ...process.env, ...folderEnv(folder, mutate.join(",")), MUTATE_REPORT: report } }
  )
  if (run.status !== 0 || !existsSync(report)) {
    console.log(`src/${folder}: Stryker failed (exit ${run.status ?? run.signal})`)
    failed = true
    continue
  }
  /** @type {{ files: Record<string, { mutants: Array<{ status: string, mutatorName: string, replacement?: string, location: { start: { line: number } } }> }> }} */
  const result = JSON.parse(readFileSync(report, "utf8"))
  let detected = 0
  let undetected = 0
  for (const [name, f] of Object.entries(result.files)) {
    for (const m of f.mutants) {
      if (m.status === "Killed" || m.status === "Timeout") detected++
      else if (m.status === "Survived" || m.status === "NoCoverage") {
        undetected++
        console.log(`  ${m.status}: ${name}:${m.location.start.line} ${m.mutatorName} → ${JSON.stringify(m.replacement ?? "")}`)
      }
    }
  }
  const total = detected + undetected
  const score = total === 0 ? 100 : (100 * detected) / total
  console.log(`src/${folder}: ${detected}/${total} mutants of the changed lines detected = ${score.toFixed(1)} % (break below ${breakAt} %)`)
  if (score < breakAt) failed = true
}
process.exit(failed ? 1 : 0)
