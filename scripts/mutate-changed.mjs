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
 *
 * `--max-minutes` bounds the whole job's wall clock (0: none): a Stryker run still going then is
 * stopped (its process group), and the folder is scored over the mutants it had tested, from its
 * per-mutant log; a folder not reached, or stopped before any mutant was tested, is named and not
 * scored. CI passes 8, so a change whose lines have slow tests cannot push CI past its limit.
 *
 *   node scripts/mutate-changed.mjs [--base REV] [--max-lines N] [--break PERCENT] [--max-minutes M]
 */
import { execFileSync, spawn } from "node:child_process"
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs"
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
const maxMinutes = Number(option("--max-minutes", "0"))
if (!Number.isInteger(maxLines) || maxLines < 1 || !(breakAt >= 0 && breakAt <= 100) || !(maxMinutes >= 0)) {
  console.error("cpppo: --max-lines must be a positive integer, --break a percentage and --max-minutes a number of minutes ≥ 0")
  process.exit(2)
}
const deadline = maxMinutes > 0 ? Date.now() + maxMinutes * 60_000 : Infinity

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

/**
 * Runs Stryker in a process group of its own, stopped (SIGTERM, then SIGKILL 5 s later) if it is
 * still going `ms` from now.
 * @param {string[]} argv @param {NodeJS.ProcessEnv} env @param {number} ms
 * @returns {Promise<{ status: number | null, signal: string | null, stopped: boolean }>}
 */
const runStryker = (argv, env, ms) =>
  new Promise((resolve) => {
    const child = spawn("npx", argv, { stdio: "inherit", env, detached: true })
    let stopped = false
    const kill = (/** @type {NodeJS.Signals} */ signal) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal)
      } catch { /* already gone */ }
    }
    const timer = Number.isFinite(ms)
      ? setTimeout(() => {
        stopped = true
        kill("SIGTERM")
        setTimeout(() => kill("SIGKILL"), 5000).unref()
      }, Math.max(0, ms))
      : undefined
    child.on("exit", (status, signal) => {
      if (timer !== undefined) clearTimeout(timer)
      // Whatever the group left running (a worker that ignored SIGTERM) goes with it.
      if (stopped) kill("SIGKILL")
      resolve({ status, signal, stopped })
    })
  })

/** Stryker's sandboxes in .stryker-tmp now. */
const sandboxes = () => new Set(existsSync(".stryker-tmp") ? readdirSync(".stryker-tmp") : [])

/**
 * The tested mutants of a run, from its JSON report (a finished run) or its per-mutant log (a
 * stopped one).
 * @param {string} report @param {string} log
 * @returns {Array<{ file: string, line: number, status: string, mutator: string, replacement: string }> | undefined}
 */
const testedMutants = (report, log) => {
  if (existsSync(report)) {
    /** @type {{ files: Record<string, { mutants: Array<{ status: string, mutatorName: string, replacement?: string, location: { start: { line: number } } }> }> }} */
    const result = JSON.parse(readFileSync(report, "utf8"))
    return Object.entries(result.files).flatMap(([file, f]) =>
      f.mutants.map((m) => ({ file, line: m.location.start.line, status: m.status, mutator: m.mutatorName, replacement: m.replacement ?? "" })))
  }
  if (!existsSync(log)) return undefined
  return readFileSync(log, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => {
    const m = JSON.parse(l)
    return { file: m.file, line: m.line, status: m.status, mutator: m.mutator, replacement: m.replacement ?? "" }
  })
}

let failed = false
for (const [folder, mutate] of byFolder) {
  const name = `reports/mutation/changed-${folder}`
  const report = `${name}.json`
  const log = `${name}.jsonl`
  rmSync(report, { force: true })
  rmSync(log, { force: true })
  console.log(`\nsrc/${folder}: ${mutate.join(" ")}`)
  if (Date.now() >= deadline) {
    console.log(`src/${folder}: not run: the job's ${maxMinutes} min were spent`)
    continue
  }
  const sandboxesBefore = sandboxes()
  const run = await runStryker(
    [
      "stryker", "run", "stryker.changed.config.mjs",
      "--mutate", mutate.join(","),
      ...(FOLDERS[folder].args ?? []),
      "--logLevel", "warn"
    ],
    { ...process.env, ...folderEnv(folder, mutate.join(",")), MUTATE_REPORT: report, CPPPO_MUTATION_REPORT: name },
    deadline - Date.now()
  )
  // A stopped run leaves its sandbox (Stryker removes it only at the end): remove the ones it made.
  if (run.stopped) for (const d of sandboxes()) if (!sandboxesBefore.has(d)) rmSync(`.stryker-tmp/${d}`, { recursive: true, force: true })
  const mutants = run.stopped ? testedMutants("", log) : run.status === 0 ? testedMutants(report, log) : undefined
  if (!run.stopped && mutants === undefined) {
    console.log(`src/${folder}: Stryker failed (exit ${run.status ?? run.signal})`)
    failed = true
    continue
  }
  let detected = 0
  let undetected = 0
  for (const m of mutants ?? []) {
    if (m.status === "Killed" || m.status === "Timeout") detected++
    else if (m.status === "Survived" || m.status === "NoCoverage") {
      undetected++
      console.log(`  ${m.status}: ${m.file}:${m.line} ${m.mutator} → ${JSON.stringify(m.replacement)}`)
    }
  }
  const total = detected + undetected
  if (run.stopped) {
    console.log(`src/${folder}: stopped at the job's time limit (${maxMinutes} min) after ${total} mutant(s) tested`)
    if (total === 0) continue
  }
  const score = total === 0 ? 100 : (100 * detected) / total
  console.log(`src/${folder}: ${detected}/${total} mutants of the changed lines detected = ${score.toFixed(1)} % (break below ${breakAt} %)`)
  if (score < breakAt) failed = true
}
process.exit(failed ? 1 : 0)
