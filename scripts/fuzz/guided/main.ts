/**
 * `npm run fuzz -- --coverage TARGET[,TARGET…]|all [--seconds N | --budget N] [--minimize] [--seed-corpus]
 * [--measure] [--fuzz-seed S] [--json FILE] [--verbose]`: coverage-guided fuzzing with Jazzer.js.
 *
 * - fuzzes each target for N seconds (default 20) starting from its kept corpus
 *   (test/fuzz/corpus/TARGET, read only); prints executions, edge coverage and findings;
 * - `--budget N`: N seconds in all, shared among the targets by their weight;
 * - `--minimize`: afterwards merges what was found into the kept corpus, minimized (libFuzzer -merge);
 * - `--seed-corpus`: merges the seed inputs (guided/seed.ts) into the kept corpus, minimized;
 * - `--measure`: no fuzzing: replays the seed inputs, then the kept corpora, under source coverage
 *   and prints branch coverage of src/enip, src/cip, src/device and each file (before/after).
 * Exits 1 when a target found something (the input is kept under .fuzz-build/findings/TARGET/).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { createHash } from "node:crypto"
import { join } from "node:path"
import { measure } from "./coverage.js"
import { buildTargets, BUILD, corpusDir, fuzzTarget, type JazzerRun, minimizeCorpus } from "./jazzer.js"
import { seedInputs } from "./seed.js"
import { TARGETS, type TargetInfo } from "./targets.js"

const argValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? undefined : process.argv[i + 1]
}
const flag = (name: string): boolean => process.argv.includes(`--${name}`)
const usage = (why: string): never => {
  console.error(`cpppo fuzz: ${why}`)
  process.exit(2)
}

/** Write each seed input of `t` into `dir` (named by content hash). */
const writeSeeds = (t: TargetInfo, dir: string): number => {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const inputs = seedInputs(t.name)
  for (const b of inputs) writeFileSync(join(dir, createHash("sha1").update(b).digest("hex")), b)
  return inputs.length
}

/** The lines of a Jazzer log that explain a finding. */
const findingText = (log: string): string =>
  log.split("\n").filter((l) => /Uncaught Exception|Error|ContractBroken|at |x  |again|==\d+==|Test unit written|Base64/.test(l)).slice(0, 30).join("\n")

interface TargetResult {
  readonly target: string
  readonly seconds: number
  readonly executions: number
  readonly cov: number
  readonly ft: number
  readonly corpus: number
  readonly findings: ReadonlyArray<{ readonly text: string; readonly input: string }>
}

/**
 * Fuzz `t` for `seconds` in all. libFuzzer stops at the first finding: then the target is run
 * again for the time left (up to 5 runs), so one shallow bug does not hide the deeper ones;
 * findings with the same message count once.
 */
const fuzzFor = async (t: TargetInfo, seconds: number, seed: number | undefined, echo: (l: string) => void): Promise<TargetResult> => {
  const work = join(BUILD, "work", t.name)
  const artifacts = join(BUILD, "findings", t.name)
  const started = Date.now()
  const findings = new Map<string, { text: string; input: string }>()
  let executions = 0
  let last: JazzerRun | undefined
  for (let run = 0; run < 5; run++) {
    const left = Math.round(seconds - (Date.now() - started) / 1000)
    if (run > 0 && left < 5) break
    last = await fuzzTarget(t, run === 0 ? seconds : left, { work, artifacts, echo, ...(seed !== undefined ? { seed: seed + run } : {}) })
    executions += last.executions
    if (last.exitCode === 0 && last.artifacts.length === 0) break
    const text = findingText(last.log)
    const key = /Uncaught Exception: (.*)/.exec(text)?.[1]?.slice(0, 120) ?? text.slice(0, 120)
    if (!findings.has(key)) findings.set(key, { text, input: last.artifacts[0] ?? "(none written)" })
  }
  return { target: t.name, seconds, executions, cov: last?.cov ?? 0, ft: last?.ft ?? 0, corpus: last?.corpus ?? 0, findings: [...findings.values()] }
}

export const main = async (): Promise<number> => {
  const which = argValue("coverage") ?? usage("--coverage needs a target name or 'all'")
  const names = which === "all" ? TARGETS.map((t) => t.name) : which.split(",")
  const unknown = names.filter((n) => !TARGETS.some((t) => t.name === n))
  if (unknown.length > 0) usage(`unknown target ${JSON.stringify(unknown[0])} (one of: all ${TARGETS.map((t) => t.name).join(" ")}, or a comma-separated list)`)
  const selected = TARGETS.filter((t) => names.includes(t.name))
  const seconds = Number(argValue("seconds") ?? 20)
  if (!Number.isFinite(seconds) || seconds < 1) usage("--seconds needs a number ≥ 1")
  const fuzzSeed = argValue("fuzz-seed") === undefined ? undefined : Number(argValue("fuzz-seed"))
  const echo = flag("verbose") ? (l: string) => console.log(`  ${l}`) : () => {}

  await buildTargets()
  if (flag("measure")) {
    await measure(selected, (t) => { const d = join(BUILD, "seeds", t.name); writeSeeds(t, d); return d }, echo)
    return 0
  }
  if (flag("seed-corpus")) {
    for (const t of selected) {
      const d = join(BUILD, "seeds", t.name)
      const n = writeSeeds(t, d)
      const kept = await minimizeCorpus(t, [d], echo)
      console.log(`${t.name}: ${n} seed inputs → ${kept} kept in ${corpusDir(t)}`)
    }
    return 0
  }

  const budget = argValue("budget") === undefined ? undefined : Number(argValue("budget"))
  if (budget !== undefined && !(budget >= selected.length)) usage("--budget needs a number of seconds (≥ 1 per target)")
  const totalWeight = selected.reduce((n, t) => n + t.weight, 0)
  const secondsFor = (t: TargetInfo) => budget === undefined ? seconds : Math.max(1, Math.round(budget * t.weight / totalWeight))

  const results: Array<TargetResult> = []
  let found = 0
  for (const t of selected) {
    const r = await fuzzFor(t, secondsFor(t), fuzzSeed, echo)
    results.push(r)
    console.log(`${t.name.padEnd(15)} ${String(r.executions).padStart(10)} execs in ${r.seconds} s (${Math.round(r.executions / r.seconds)}/s)  cov ${r.cov} ft ${r.ft}  corpus ${r.corpus}  ${r.findings.length > 0 ? `${r.findings.length} FINDING(S)` : "no findings"}`)
    for (const f of r.findings) console.log(`${f.text.replace(/^/gm, "    ")}\n    input kept: ${f.input}`)
    found += r.findings.length
    if (flag("minimize")) console.log(`  kept corpus minimized: ${await minimizeCorpus(t, [join(BUILD, "work", t.name)], echo)} inputs`)
  }
  const json = argValue("json")
  if (json !== undefined) writeFileSync(json, JSON.stringify(results, null, 2))
  console.log(found === 0 ? "OK: no findings" : `FAILED: ${found} target(s) with findings`)
  return found === 0 ? 0 : 1
}
