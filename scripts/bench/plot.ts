/**
 * `cpppo history plot` on a long history: RECORDS records of SCADA[0-3] (four points each, 100 ms
 * apart) written to a plain history file, then plotted by the real binary (node dist/cli/bin.js;
 * run `npm run build` first) into an SVG. Printed: the plot's CPU time, wall time, peak RSS and
 * SVG size; the same plot under `--max-old-space-size=160` (does it finish); and a baseline
 * measured the same way in the same run: a node child that only reads the file and splits it
 * into lines (the floor any reader of the file pays). CPU time and peak RSS come from the
 * child itself at exit (process.cpuUsage, process.resourceUsage().maxRSS).
 *
 *   npm run bench -- plot [RECORDS]      (default 500000)
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { formatRecord, Timestamp } from "../../src/history/index.js"

const N = Math.max(1000, Number(process.argv[2] ?? 500_000))
const ROOT = fileURLToPath(new URL("../../", import.meta.url))
const BIN = path.join(ROOT, "dist", "cli", "bin.js")
if (!fs.existsSync(BIN)) {
  console.error("plot bench: dist/cli/bin.js is missing: run npm run build first")
  process.exit(2)
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-bench-plot-"))
const file = path.join(dir, "scada.hst")
const svg = path.join(dir, "trend.svg")

// The history: SCADA[0-3] every 100 ms, slowly varying values (a write record of four each).
const T0 = Timestamp.fromMillis(Date.UTC(2014, 10, 2, 6, 0, 0))
const fd = fs.openSync(file, "w")
let batch = ""
for (let i = 0; i < N; i++) {
  const v = [0, 1, 2, 3].map((k) => Math.round(k * 10 + 5 * Math.sin(i / 500 + k)))
  batch += formatRecord({ time: T0.plus(i / 10), serial: ["SCADA", [0, 3]], data: { write: v } })
  if (i % 10_000 === 9_999) { fs.writeSync(fd, batch); batch = "" }
}
fs.writeSync(fd, batch)
fs.closeSync(fd)
const size = fs.statSync(file).size

// Every child reports its own CPU time and peak RSS when it exits (a preload, so the CLI is unchanged).
const preload = path.join(dir, "report.cjs")
fs.writeFileSync(preload, `process.on("exit", () => { const u = process.cpuUsage(); process.stderr.write("\\nBENCH " + JSON.stringify({ cpuMs: (u.user + u.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + "\\n") })\n`)

interface Run { readonly ok: boolean; readonly wallMs: number; readonly cpuMs: number; readonly maxRssMb: number; readonly stderr: string }
const child = (args: ReadonlyArray<string>): Run => {
  const t = performance.now()
  const r = spawnSync(process.execPath, ["--require", preload, ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 })
  const wallMs = performance.now() - t
  const m = /^BENCH (.*)$/m.exec(r.stderr ?? "")
  const report = m !== null ? JSON.parse(m[1]!) as { cpuMs: number; maxRssMb: number } : { cpuMs: NaN, maxRssMb: NaN }
  return { ok: r.status === 0, wallMs, ...report, stderr: (r.stderr ?? "").replace(/\n?BENCH .*\n?/, "").trim() }
}

const baselineScript = path.join(dir, "read.cjs")
fs.writeFileSync(baselineScript, `const n = require("fs").readFileSync(process.argv[2], "utf8").split("\\n").length; if (n < 2) process.exit(1)\n`)

const plotArgs = ["history", "plot", "--tags", "SCADA[0-3]", "--tz", "America/Edmonton", "-o", svg, file]
const baseline = child([baselineScript, file])
const plot = child([BIN, ...plotArgs])
const svgKb = fs.existsSync(svg) ? fs.statSync(svg).size / 1024 : NaN
const capped = child(["--max-old-space-size=160", BIN, ...plotArgs])

const f1 = (n: number) => n.toFixed(1)
console.log(`history plot: ${N.toLocaleString("en-US")} records of SCADA[0-3] (${(4 * N).toLocaleString("en-US")} points, ${f1(size / 1e6)} MB)`)
console.log(`  plot:      ${plot.ok ? "ok" : `FAILED: ${plot.stderr}`}; CPU ${f1(plot.cpuMs / 1000)} s, wall ${f1(plot.wallMs / 1000)} s, peak RSS ${plot.maxRssMb.toFixed(0)} MB, SVG ${svgKb.toFixed(0)} KB`)
console.log(`  baseline (read + split the file): CPU ${f1(baseline.cpuMs / 1000)} s, peak RSS ${baseline.maxRssMb.toFixed(0)} MB; plot / baseline CPU ${(plot.cpuMs / baseline.cpuMs).toFixed(1)}×`)
console.log(`  --max-old-space-size=160: ${capped.ok ? "finished" : `FAILED: ${capped.stderr.split("\n")[0]}`} (CPU ${f1(capped.cpuMs / 1000)} s, peak RSS ${capped.maxRssMb.toFixed(0)} MB)`)
fs.rmSync(dir, { recursive: true, force: true })
if (!plot.ok || !capped.ok) process.exit(1)
