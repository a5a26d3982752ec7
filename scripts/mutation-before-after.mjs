#!/usr/bin/env node
/**
 * Before and after scores from one Stryker run made with `--disableBail` (every covering test runs
 * against every mutant, so `killedBy` lists every test that notices it):
 * `node scripts/mutation-before-after.mjs REPORT.json [REF]`.
 * "after" is Stryker's own score; "before" counts a mutant detected only when a test file that
 * exists at git REF (default main) killed it, or, for a timed-out mutant, covered it. Tests added
 * in new files since REF are what lifts "before" to "after". A test added to a file that
 * already existed counts as before: add new tests in new files for this to be exact.
 * Score = detected / (detected + survived + not covered); ignored (static) mutants are left out.
 */
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"

const [file, ref = "main"] = process.argv.slice(2)
if (file === undefined) {
  console.error("cpppo: usage: node scripts/mutation-before-after.mjs REPORT.json [GIT-REF]")
  process.exit(2)
}
const report = JSON.parse(readFileSync(file, "utf8"))
const before = new Set(execFileSync("git", ["ls-tree", "-r", "--name-only", ref, "test/"], { encoding: "utf8" }).split("\n").filter(Boolean))
/** test id → whether its file existed at REF */
const old = new Map()
for (const [path, tf] of Object.entries(report.testFiles ?? {})) {
  const rel = path.replace(/^.*?\/(test\/)/, "$1")
  for (const t of tf.tests) old.set(t.id, before.has(rel))
}
const pct = (d, v) => (v === 0 ? "n/a" : `${(100 * d / v).toFixed(1)} %`)
const totals = { b: 0, a: 0, v: 0, killed: 0, timeout: 0, survived: 0, nocov: 0, ignored: 0 }
console.log("| file | before | after | killed / timed out / survived / not covered (after) | static, ignored |")
console.log("|---|---|---|---|---|")
for (const [name, f] of Object.entries(report.files).sort()) {
  const n = { b: 0, a: 0, v: 0, killed: 0, timeout: 0, survived: 0, nocov: 0, ignored: 0 }
  for (const m of f.mutants) {
    if (m.status === "Ignored") { n.ignored++; continue }
    if (!["Killed", "Timeout", "Survived", "NoCoverage"].includes(m.status)) continue
    n.v++
    if (m.status === "Killed") n.killed++
    if (m.status === "Timeout") n.timeout++
    if (m.status === "Survived") n.survived++
    if (m.status === "NoCoverage") n.nocov++
    if (m.status === "Killed" || m.status === "Timeout") n.a++
    const by = m.status === "Killed" ? m.killedBy ?? [] : m.status === "Timeout" ? m.coveredBy ?? [] : []
    if (by.some((id) => old.get(id) === true)) n.b++
  }
  for (const k of Object.keys(totals)) totals[k] += n[k]
  console.log(`| \`${name}\` | ${pct(n.b, n.v)} | ${pct(n.a, n.v)} | ${n.killed} / ${n.timeout} / ${n.survived} / ${n.nocov} | ${n.ignored} |`)
}
const t = totals
console.log(`| **these files** | ${pct(t.b, t.v)} | ${pct(t.a, t.v)} | ${t.killed} / ${t.timeout} / ${t.survived} / ${t.nocov} | ${t.ignored} |`)
