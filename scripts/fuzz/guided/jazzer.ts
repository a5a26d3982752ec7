/**
 * Running one coverage-guided target under Jazzer.js (libFuzzer underneath).
 *
 * The sources are TypeScript and ESM. Jazzer 4 instruments ES modules through a Node loader hook
 * (module.register, Node ≥ 20.6), so the sources are transpiled file by file (not bundled: each
 * keeps its own name, so coverage reports per source file) by esbuild into `.fuzz-build/`, and
 * Jazzer imports the target from there; `effect` and other packages stay uninstrumented in
 * node_modules.
 */
import { spawn } from "node:child_process"
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { basename, join, resolve } from "node:path"
import { prepareJazzer } from "../jazzer/prepare.js"
import type { TargetInfo } from "./targets.js"

export const ROOT = resolve(import.meta.dirname, "../../..")
/** Transpiled sources, work corpora and findings (CPPPO_FUZZ_BUILD, inside the repo so packages resolve, lets two runs coexist). */
export const BUILD = resolve(ROOT, process.env.CPPPO_FUZZ_BUILD ?? ".fuzz-build")
/** The kept (minimized) corpora, one directory per target. */
export const CORPUS = join(ROOT, "test/fuzz/corpus")

/** Transpile src/ and the fuzz targets into .fuzz-build/ (ESM, same layout, inline source maps). */
export const buildTargets = async (): Promise<void> => {
  const esbuild = await import("esbuild")
  rmSync(join(BUILD, "src"), { recursive: true, force: true })
  rmSync(join(BUILD, "scripts"), { recursive: true, force: true })
  await esbuild.build({
    absWorkingDir: ROOT,
    // seeds.ts (FUZZ_TAGS, seedRequests) imports the fixtures loader; targets never load fixtures.
    entryPoints: ["src/**/*.ts", "scripts/fuzz/targets/*.ts", "scripts/fuzz/seeds.ts", "test/fixtures/fixtures.ts"],
    outdir: BUILD,
    outbase: ".",
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "inline",
    logLevel: "warning"
  })
}

export const corpusDir = (t: TargetInfo): string => join(CORPUS, t.name)
export const corpusFiles = (dir: string): Array<string> =>
  existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith(".")).map((f) => join(dir, f)) : []

export interface JazzerRun {
  readonly target: string
  readonly seconds: number
  readonly exitCode: number
  /** Executions libFuzzer reports ("Done N runs"). */
  readonly executions: number
  /** Final edge coverage ("cov:") and features ("ft:"). */
  readonly cov: number
  readonly ft: number
  /** Inputs in the working corpus at the end. */
  readonly corpus: number
  /** Crash/timeout artifacts written (each one is a finding). */
  readonly artifacts: ReadonlyArray<string>
  readonly log: string
}

const jazzerCli = (): string => createRequire(import.meta.url).resolve("@jazzer.js/core/dist/cli.js")

/** Run Jazzer with `args`; output goes to `log` lines (and is kept). */
/**
 * Instrument only our transpiled sources (not effect, js-joda, …), and leave Jazzer's bug
 * detectors (command injection, SSRF, path traversal, prototype pollution, RCE) off unless
 * CPPPO_FUZZ_BUG_DETECTORS=1: none of them concerns a decoder, and they cost 10× in executions.
 */
const COMMON = [`--includes=${BUILD}/`, "--excludes=node_modules", ...(process.env.CPPPO_FUZZ_BUG_DETECTORS === "1" ? [] : ["--disable_bug_detectors=.*"])]

/**
 * A module exporting `fuzz` that counts the target's executions into `counter` (every 1024 and
 * at exit): libFuzzer's closing "Done N runs" line is sometimes lost when Jazzer exits.
 */
const countingWrapper = (module: string, counter: string): string => {
  const file = join(BUILD, "scripts/fuzz/targets", `${module}.counted.js`)
  writeFileSync(file, [
    `import { writeFileSync } from "node:fs"`,
    `import { fuzz as target } from "./${module}.js"`,
    `let n = 0`,
    `const save = () => { try { writeFileSync(${JSON.stringify(counter)}, String(n)) } catch {} }`,
    `process.on("exit", save)`,
    `export const fuzz = (data) => { if ((++n & 1023) === 0) save(); return target(data) }`,
    ""
  ].join("\n"))
  return file
}

const runJazzer = (module: string, corpora: ReadonlyArray<string>, jazzerArgs: ReadonlyArray<string>, fuzzerArgs: ReadonlyArray<string>, echo: (line: string) => void, counter?: string) =>
  new Promise<{ code: number; log: string }>((done, fail) => {
    const file = counter === undefined ? join(BUILD, "scripts/fuzz/targets", `${module}.js`) : countingWrapper(module, counter)
    const child = spawn(process.execPath, [jazzerCli(), file, ...corpora, ...COMMON, ...jazzerArgs, "--", ...fuzzerArgs], {
      cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_OPTIONS: "" }
    })
    let log = ""
    const take = (chunk: Buffer) => {
      const text = chunk.toString()
      log += text
      for (const line of text.split("\n")) if (line.trim() !== "") echo(line)
    }
    child.stdout.on("data", take)
    child.stderr.on("data", take)
    child.on("error", fail)
    child.on("close", (code, signal) => done({ code: code ?? (signal ? 128 : 1), log }))
  })

const lastNumber = (log: string, re: RegExp): number => {
  let v = 0
  for (const m of log.matchAll(re)) v = Number(m[1])
  return v
}

/**
 * Fuzz `t` for `seconds`: new inputs go to `work` (the kept corpus is read, never written);
 * crashes are written to `artifacts`.
 */
export const fuzzTarget = async (
  t: TargetInfo, seconds: number, opts: { readonly work: string; readonly artifacts: string; readonly echo: (line: string) => void; readonly seed?: number }
): Promise<JazzerRun> => {
  prepareJazzer(opts.echo)
  mkdirSync(opts.work, { recursive: true })
  mkdirSync(opts.artifacts, { recursive: true })
  const kept = corpusDir(t)
  const corpora = existsSync(kept) ? [opts.work, kept] : [opts.work]
  const jazzerArgs = [...(t.sync ? ["--sync"] : []), "--timeout=10000"]
  const fuzzerArgs = [
    `-max_total_time=${seconds}`, `-max_len=${t.maxLen}`, "-rss_limit_mb=2048", "-print_final_stats=1",
    `-artifact_prefix=${opts.artifacts}/`, ...(opts.seed !== undefined ? [`-seed=${opts.seed}`] : [])
  ]
  const before = new Set(readdirSync(opts.artifacts))
  const counter = join(opts.artifacts, "..", `${t.name}.executions`)
  rmSync(counter, { force: true })
  const r = await runJazzer(t.module, corpora, jazzerArgs, fuzzerArgs, opts.echo, counter)
  const counted = existsSync(counter) ? Number(readFileSync(counter, "utf8")) : 0
  const artifacts = readdirSync(opts.artifacts).filter((f) => !before.has(f)).map((f) => join(opts.artifacts, f))
  return {
    target: t.name, seconds, exitCode: r.code,
    // libFuzzer's count when it printed one, else ours (it misses at most the last 1023 when the exit hook did not run).
    executions: lastNumber(r.log, /Done (\d+) runs/g) || lastNumber(r.log, /stat::number_of_executed_units:\s*(\d+)/g) || counted,
    cov: lastNumber(r.log, /cov: (\d+)/g), ft: lastNumber(r.log, /ft: (\d+)/g),
    corpus: corpusFiles(opts.work).length + corpusFiles(kept).length,
    artifacts, log: r.log
  }
}

/** Replace the kept corpus of `t` with a minimal one covering what `extra` and it cover (libFuzzer -merge). */
export const minimizeCorpus = async (t: TargetInfo, extra: ReadonlyArray<string>, echo: (line: string) => void): Promise<number> => {
  prepareJazzer(echo)
  const kept = corpusDir(t)
  const out = join(BUILD, "merge", t.name)
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  const sources = [kept, ...extra].filter(existsSync)
  const r = await runJazzer(t.module, [out, ...sources], [...(t.sync ? ["--sync"] : []), "--timeout=10000"], ["-merge=1", `-max_len=${t.maxLen}`], echo)
  if (r.code !== 0) throw new Error(`corpus merge of ${t.name} failed (exit ${r.code})`)
  // Inputs that once found a bug (finding-*) stay whatever they add to coverage now.
  for (const f of corpusFiles(kept)) if (!basename(f).startsWith("finding-")) rmSync(f)
  mkdirSync(kept, { recursive: true })
  cpSync(out, kept, { recursive: true })
  return corpusFiles(kept).length
}

/**
 * Replay `corpora` once through `t` with Jazzer's source coverage (istanbul); the report lands in
 * `dir` (coverage-final.json, per transpiled source file).
 */
export const coverageRun = async (t: TargetInfo, corpora: ReadonlyArray<string>, dir: string, echo: (line: string) => void): Promise<number> => {
  prepareJazzer(echo)
  rmSync(dir, { recursive: true, force: true })
  const r = await runJazzer(t.module, corpora.filter(existsSync), [
    ...(t.sync ? ["--sync"] : []), "--coverage", `--coverage_directory=${dir}`, "--coverage_reporters=json"
  ], ["-runs=0", `-max_len=${t.maxLen}`], echo)
  return r.code
}
