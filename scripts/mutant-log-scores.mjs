#!/usr/bin/env node
/**
 * Per-file mutation scores from mutant-log files (scripts/stryker-mutant-log.mjs), also of a run
 * stopped before its end: `node scripts/mutant-log-scores.mjs reports/mutation/<name>.jsonl …
 * [--survivors]`. Score = (killed + timed out) / (those + survived + not covered), as Stryker counts
 * it; ignored (static) mutants are listed apart. A mutant logged twice (the same file, start and
 * end, mutator and replacement, also from two runs over overlapping line ranges) counts once: the
 * last line read.
 */
import { readFileSync } from "node:fs"

const args = process.argv.slice(2)
const survivors = args.includes("--survivors")
const mutants = new Map()
for (const f of args.filter((a) => !a.startsWith("--"))) {
  for (const line of readFileSync(f, "utf8").split("\n")) {
    if (line.trim() === "") continue
    const m = JSON.parse(line)
    // The end too: two mutants can share start, mutator and replacement (`a && b && c` forced true
    // as a whole and as `a && b`); logs written before the end was recorded lack it.
    mutants.set(`${m.file}:${m.line}:${m.column}:${m.endLine ?? ""}:${m.endColumn ?? ""}:${m.mutator}:${m.replacement}`, m)
  }
}
const files = new Map()
for (const m of mutants.values()) {
  const n = files.get(m.file) ?? { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0, other: 0 }
  n[m.status in n ? m.status : "other"]++
  files.set(m.file, n)
}
const total = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0, other: 0 }
const line = (name, n) => {
  const detected = n.Killed + n.Timeout
  const valid = detected + n.Survived + n.NoCoverage
  const score = valid === 0 ? "—" : `${(100 * detected / valid).toFixed(1)} %`
  console.log(`${name.padEnd(28)} ${score.padStart(7)}  killed ${n.Killed}, timed out ${n.Timeout}, survived ${n.Survived}, not covered ${n.NoCoverage}, ignored ${n.Ignored}${n.other ? `, other ${n.other}` : ""}`)
}
for (const [name, n] of [...files].sort()) {
  line(name, n)
  for (const k of Object.keys(total)) total[k] += n[k]
}
if (files.size > 1) line("all", total)
if (survivors) {
  for (const m of [...mutants.values()].filter((m) => m.status === "Survived" || m.status === "NoCoverage")
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)) {
    console.log(`${m.file}:${m.line}:${m.column} ${m.status} ${m.mutator} → ${JSON.stringify(m.replacement)}`)
  }
}
