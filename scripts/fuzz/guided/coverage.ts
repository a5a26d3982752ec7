/**
 * Branch coverage reached by corpora: each target replays a corpus once under Jazzer's source
 * coverage (istanbul counters on the transpiled files), the per-target reports are merged, and
 * branches are counted per source file and per directory. Run for the seed inputs ("before") and
 * the kept corpora ("after").
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { BUILD, corpusDir, coverageRun } from "./jazzer.js"
import type { TargetInfo } from "./targets.js"

/** The part of an istanbul FileCoverage we need: branch hit counts per branch point. */
interface FileCoverage { readonly b: Record<string, ReadonlyArray<number>> }
type CoverageMap = Map<string, Record<string, Array<number>>>

/** Add one coverage-final.json into `into` (keyed by source path src/…ts). */
const mergeInto = (into: CoverageMap, file: string): void => {
  if (!existsSync(file)) return
  const doc = JSON.parse(readFileSync(file, "utf8")) as Record<string, FileCoverage>
  for (const [path, cov] of Object.entries(doc)) {
    const rel = relative(BUILD, path).replace(/\.js$/, ".ts")
    if (!rel.startsWith("src/")) continue
    const have = into.get(rel)
    if (have === undefined) { into.set(rel, Object.fromEntries(Object.entries(cov.b).map(([k, v]) => [k, [...v]]))); continue }
    for (const [k, v] of Object.entries(cov.b)) {
      const h = have[k] ?? (have[k] = v.map(() => 0))
      v.forEach((n, i) => { h[i] = (h[i] ?? 0) + n })
    }
  }
}

export interface BranchCount { readonly covered: number; readonly total: number }

const count = (m: CoverageMap, keep: (path: string) => boolean): BranchCount => {
  let covered = 0
  let total = 0
  for (const [path, b] of m) {
    if (!keep(path)) continue
    for (const hits of Object.values(b)) { total += hits.length; covered += hits.filter((n) => n > 0).length }
  }
  return { covered, total }
}

const pct = (c: BranchCount): string => c.total === 0 ? "—" : `${(100 * c.covered / c.total).toFixed(1)} % (${c.covered}/${c.total})`

/** The decoders: what parses bytes or text from outside (the ≥ 90 % goal is about these). */
export const DECODERS = [
  "src/enip/header.ts", "src/enip/cpf.ts", "src/enip/frame.ts", "src/enip/framer.ts",
  "src/cip/request.ts", "src/cip/reply.ts", "src/cip/epath.ts", "src/cip/connmgr.ts", "src/cip/bytes.ts", "src/cip/values.ts",
  "src/client/wire.ts", "src/history/record.ts", "src/web/request.ts", "src/web/convert.ts", "src/tags/spec.ts"
]

const replay = async (targets: ReadonlyArray<TargetInfo>, corpus: (t: TargetInfo) => string, label: string, echo: (l: string) => void): Promise<CoverageMap> => {
  const m: CoverageMap = new Map()
  for (const t of targets) {
    const dir = join(BUILD, "coverage", label, t.name)
    const code = await coverageRun(t, [corpus(t)], dir, echo)
    if (code !== 0) console.log(`  ${t.name}: the ${label} corpus replay exited ${code} (an input in it still breaks the contract)`)
    mergeInto(m, join(dir, "coverage-final.json"))
  }
  return m
}

/** Print (and save to .fuzz-build/coverage.json) branch coverage before (seeds) and after (kept corpora). */
export const measure = async (targets: ReadonlyArray<TargetInfo>, seedDir: (t: TargetInfo) => string, echo: (l: string) => void): Promise<void> => {
  const before = await replay(targets, seedDir, "seeds", echo)
  const after = await replay(targets, corpusDir, "kept", echo)
  const rows: Array<{ what: string; before: BranchCount; after: BranchCount }> = []
  const row = (what: string, keep: (p: string) => boolean) => rows.push({ what, before: count(before, keep), after: count(after, keep) })
  for (const dir of ["src/enip/", "src/cip/", "src/device/"]) row(dir, (p) => p.startsWith(dir))
  row("decoders (all below)", (p) => DECODERS.includes(p))
  for (const f of DECODERS) row(f, (p) => p === f)
  console.log("| branches | seeds (before) | kept corpus (after) |\n| --- | --- | --- |")
  for (const r of rows) console.log(`| ${r.what} | ${pct(r.before)} | ${pct(r.after)} |`)
  writeFileSync(join(BUILD, "coverage.json"), JSON.stringify(rows, null, 2))
}
