#!/usr/bin/env node
/**
 * Mutation scores per file and per folder from the Stryker JSON reports under reports/
 * (the `mutation.json` of each `reports/mutation-…` folder: folder runs and per-file `MUTATE_FILE` runs). A file found in
 * several reports is taken from the newest. Score = (killed + timed out) / (those + survived + not
 * covered), as Stryker counts it; ignored (static) mutants and errors are not in it. Usage: `node scripts/mutation-scores.mjs [src/device ...]`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import path from "node:path"

const root = "reports"
const reports = readdirSync(root)
  .filter((d) => d.startsWith("mutation"))
  .map((d) => path.join(root, d, "mutation.json"))
  .filter((f) => existsSync(f))
  .map((f) => ({ f, t: statSync(f).mtimeMs }))
  .sort((a, b) => a.t - b.t)

/** @type {Map<string, Record<string, number>>} */
const files = new Map()
for (const { f } of reports) {
  const j = JSON.parse(readFileSync(f, "utf8"))
  for (const [name, v] of Object.entries(j.files)) {
    /** @type {Record<string, number>} */
    const n = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0, other: 0 }
    for (const m of v.mutants) n[m.status in n ? m.status : "other"]++
    files.set(name, n)
  }
}

const wanted = process.argv.slice(2)
const pick = [...files.keys()].filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w))).sort()
const score = (n) => {
  const detected = n.Killed + n.Timeout
  const valid = detected + n.Survived + n.NoCoverage
  return valid === 0 ? "n/a" : `${(100 * detected / valid).toFixed(1)} %`
}
const row = (name, n) =>
  `| ${name} | ${score(n)} | ${n.Killed} | ${n.Timeout} | ${n.Survived} | ${n.NoCoverage} | ${n.Ignored} | ${n.other} |`
console.log("| file | score | killed | timed out | survived | no coverage | static, ignored | errors |")
console.log("|---|---|---|---|---|---|---|---|")
/** @type {Map<string, Record<string, number>>} */
const folders = new Map()
for (const f of pick) {
  const n = files.get(f)
  console.log(row(f, n))
  const d = path.dirname(f)
  const s = folders.get(d) ?? { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0, other: 0 }
  for (const k of Object.keys(s)) s[k] += n[k]
  folders.set(d, s)
}
for (const [d, n] of folders) console.log(row(`**${d}**`, n))
