/**
 * CI's changed-line mutation job (scripts/mutate-changed.mjs) runs the same tests for a file's
 * changed lines as `npm run mutate -- --mutate <file>` does for the whole file. It did not: the
 * job passed the folder's socket-free tests only, so a change to src/web/historyRoutes.ts had its
 * mutants run against none of the HTTP tests that hold that file (test/web/history.test.ts), and
 * CI failed on mutants those tests kill.
 *
 * The script runs here in a scratch git repository (two commits of one src/web file) with a fake
 * `npx` first on PATH that records its arguments and environment and writes Stryker's JSON report.
 */
import { afterAll, describe, expect, it, vi } from "vitest"
import { execFileSync, spawnSync } from "node:child_process"
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"

const ROOT = fileURLToPath(new URL("../../", import.meta.url))
const dir = mkdtempSync(path.join(tmpdir(), "cpppo-mutate-changed-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const git = (...args: Array<string>): string =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", ...args], { cwd: dir, encoding: "utf8" })

/** One recorded `npx` call: its arguments and the environment variables the job sets. */
interface Call { readonly argv: Array<string>; readonly files?: string; readonly tests?: string; readonly config?: string; readonly log?: string; readonly pid?: number }

/**
 * Runs the job in the scratch repository with the fake npx, whose report marks every mutant
 * `status` (one mutant at the first changed line).
 */
const runJob = (status: string, args: Array<string> = [], hang = false) => {
  const calls = path.join(dir, `calls-${status}-${hang}.jsonl`)
  const out = spawnSync(process.execPath, ["scripts/mutate-changed.mjs", ...args], {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, PATH: `${path.join(dir, "bin")}${path.delimiter}${process.env["PATH"] ?? ""}`, FAKE_CALLS: calls, FAKE_STATUS: status, FAKE_HANG: hang ? "1" : "0" }
  })
  const recorded = readFileSync(calls, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Call)
  return { status: out.status, stdout: out.stdout, recorded }
}

describe("mutate:changed", () => {
  mkdirSync(path.join(dir, "scripts"))
  mkdirSync(path.join(dir, "src/web"), { recursive: true })
  mkdirSync(path.join(dir, "bin"))
  for (const f of ["mutate-changed.mjs", "mutate-folders.mjs"]) copyFileSync(path.join(ROOT, "scripts", f), path.join(dir, "scripts", f))
  // The fake npx: records its call, then writes the report where MUTATE_REPORT says.
  writeFileSync(path.join(dir, "bin/npx"), `#!${process.execPath}
const fs = require("fs")
const e = process.env
fs.appendFileSync(e.FAKE_CALLS, JSON.stringify({ argv: process.argv.slice(2), files: e.CPPPO_MUTATE_FILES, tests: e.CPPPO_MUTATE_TESTS, config: e.MUTATE_VITEST_CONFIG, log: e.CPPPO_MUTATION_REPORT, pid: process.pid }) + "\\n")
const spec = process.argv[process.argv.indexOf("--mutate") + 1]
const [file, lines] = spec.split(",")[0].split(":")
const line = Number(lines.split("-")[0])
fs.mkdirSync(require("path").dirname(e.MUTATE_REPORT), { recursive: true })
// As Stryker with the mutant-log reporter: one line per mutant as it is tested.
fs.writeFileSync(e.CPPPO_MUTATION_REPORT + ".jsonl", JSON.stringify({ file, line, mutator: "StringLiteral", replacement: '""', status: e.FAKE_STATUS }) + "\\n")
if (e.FAKE_HANG === "1") {
  // A run that outlives the job's time limit: a second mutant never finishes.
  process.on("SIGTERM", () => {})
  setInterval(() => {}, 1000)
} else {
  fs.writeFileSync(e.MUTATE_REPORT, JSON.stringify({ files: { [file]: { mutants: [
    { status: e.FAKE_STATUS, mutatorName: "StringLiteral", replacement: '""', location: { start: { line } } }
  ] } } }))
}
`)
  chmodSync(path.join(dir, "bin/npx"), 0o755)
  const lines = Array.from({ length: 10 }, (_, i) => `export const a${i} = "${i}"`)
  writeFileSync(path.join(dir, "src/web/historyRoutes.ts"), lines.join("\n") + "\n")
  git("init", "-q")
  git("add", "-A")
  git("commit", "-q", "-m", "one")
  lines[3] = `export const a3 = "width"`
  lines[4] = `export const a4 = "height"`
  writeFileSync(path.join(dir, "src/web/historyRoutes.ts"), lines.join("\n") + "\n")
  git("commit", "-q", "-am", "two")

  it("passes the changed line ranges as the narrowed files, so the folder's config adds that file's own tests", () => {
    const job = runJob("Killed")
    expect(job.status, job.stdout).toBe(0)
    expect(job.recorded).toHaveLength(1)
    const call = job.recorded[0]!
    expect(call.argv.slice(0, 5)).toEqual(["stryker", "run", "stryker.changed.config.mjs", "--mutate", "src/web/historyRoutes.ts:4-5"])
    expect(call.files).toBe("src/web/historyRoutes.ts:4-5")
    expect(call.config).toBe("vitest.mutate.web.config.ts")
    expect(call.tests).toContain("test/web/historyRefusal.test.ts")
    expect(call.log).toBe("reports/mutation/changed-web")
    expect(job.stdout).toContain("src/web: 1/1 mutants of the changed lines detected = 100.0 %")
  })

  it("--max-minutes: a run still going is stopped (its process group) and scored over the mutants it tested", () => {
    const killed = runJob("Killed", ["--max-minutes", "0.02"], true)
    expect(killed.status, killed.stdout).toBe(0)
    expect(killed.stdout).toContain("src/web: stopped at the job's time limit (0.02 min) after 1 mutant(s) tested")
    expect(killed.stdout).toContain("src/web: 1/1 mutants of the changed lines detected = 100.0 %")
    const pid = killed.recorded[0]!.pid!
    expect(() => process.kill(pid, 0), "the fake Stryker is gone").toThrow()
    const survived = runJob("Survived", ["--max-minutes", "0.02"], true)
    expect(survived.status).toBe(1)
    expect(survived.stdout).toContain("Survived: src/web/historyRoutes.ts:4 StringLiteral")
    expect(survived.stdout).toContain("src/web: 0/1 mutants of the changed lines detected = 0.0 % (break below 60 %)")
  })

  it("fails when most of the changed lines' mutants survive, naming each", () => {
    const job = runJob("Survived")
    expect(job.status).toBe(1)
    expect(job.stdout).toContain("Survived: src/web/historyRoutes.ts:4 StringLiteral")
    expect(job.stdout).toContain("src/web: 0/1 mutants of the changed lines detected = 0.0 % (break below 60 %)")
  })
})

describe("the web folder's mutation tests for a narrowed run", () => {
  const includeFor = async (files: string | undefined): Promise<Array<string>> => {
    const saved = process.env["CPPPO_MUTATE_FILES"]
    if (files === undefined) delete process.env["CPPPO_MUTATE_FILES"]
    else process.env["CPPPO_MUTATE_FILES"] = files
    try {
      // A fresh module each time: the config reads the environment when it loads.
      vi.resetModules()
      const mod = (await import("../../vitest.mutate.web.config.js")) as { default: { test?: { include?: Array<string> } } }
      return mod.default.test?.include ?? []
    } finally {
      if (saved === undefined) delete process.env["CPPPO_MUTATE_FILES"]
      else process.env["CPPPO_MUTATE_FILES"] = saved
    }
  }

  it("a line range of historyRoutes.ts brings in the HTTP test that holds it; no narrowing, the socket-free set alone", async () => {
    expect(await includeFor("src/web/historyRoutes.ts:173-174")).toContain("test/web/history.test.ts")
    expect(await includeFor(undefined)).not.toContain("test/web/history.test.ts")
  })
})
