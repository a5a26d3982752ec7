/**
 * Signal benchmark: 10,000 generated tag elements at 10 Hz in one simulator. For each shape —
 * one array `Gen=REAL[10000]` with one sine spec (10,000 phase-shifted copies), and 10,000 scalar
 * tags with a spec each — prints the simulator's CPU % with no client (from /proc), and the p50/p99
 * latency of a client's Read Tag of another tag (1 session × 1 in flight, the raw-socket load
 * generator). The baseline is the same simulator with the same tags and no signals, measured in
 * the same run: the figures added by the signals are the differences.
 *
 *   npm run bench -- signals [--seconds 5] [--count 10000]
 */
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

import { cpuTicks, rssMb, startChild, TICK_US } from "./_proc.js"

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, "..", "..")
const args = process.argv.slice(2)
const opt = (name: string, d: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || d : d)
const seconds = opt("--seconds", 5)
const count = opt("--count", 10_000)

const loadgen = (port: number, secs: number): Promise<{ requests: number; errors: number; elapsed: number; p50: number; p99: number; p999: number; max: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(here, "_loadgen.ts"), "127.0.0.1", String(port), "1", "1", String(secs), "Probe"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout.on("data", (d: Buffer) => { out += d.toString() })
    child.on("exit", () => { try { resolve(JSON.parse(out)) } catch (e) { reject(e) } })
  })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const entry = existsSync(join(root, "dist", "cli", "bin.js")) ? ["dist/cli/bin.js"] : ["--import", "tsx", "src/cli/bin.ts"]

interface Figures { readonly cpu: number; readonly p50: number; readonly p99: number; readonly p999: number; readonly max: number; readonly rps: number; readonly rss: number }

const measure = async (argv: Array<string>): Promise<Figures> => {
  const { child, port } = await startChild([...entry, "enip", "server", "-a", "127.0.0.1:0", "-A", "-U", "Probe=INT", ...argv], root, 120_000)
  const pid = child.pid!
  await sleep(2000) // start-up and JIT warm-up of the ticks
  await loadgen(port, 1)
  const t0 = cpuTicks(pid)
  const w0 = performance.now()
  await sleep(seconds * 1000)
  const cpu = ((cpuTicks(pid) - t0) * TICK_US) / ((performance.now() - w0) * 1000) * 100
  const r = await loadgen(port, seconds)
  const rss = rssMb(pid)
  child.kill("SIGINT")
  await new Promise((r2) => child.once("exit", r2))
  return { cpu, p50: r.p50, p99: r.p99, p999: r.p999, max: r.max, rps: r.requests / r.elapsed, rss }
}

const row = (label: string, f: Figures) =>
  `${label.padEnd(38)} ${f.cpu.toFixed(1).padStart(7)} ${f.p50.toFixed(0).padStart(9)} ${f.p99.toFixed(0).padStart(9)} ${f.p999.toFixed(0).padStart(9)} ${f.max.toFixed(0).padStart(9)} ${f.rps.toFixed(0).padStart(8)} ${f.rss.toFixed(0).padStart(7)}`

const main = async () => {
  console.log(`signal benchmark: ${count} generated elements at 10 Hz; ${seconds} s per figure; Read Tag Probe (1 session × 1 in flight); ${process.version}`)
  console.log(`${"".padEnd(38)} ${"CPU %".padStart(7)} ${"p50 µs".padStart(9)} ${"p99 µs".padStart(9)} ${"p99.9 µs".padStart(9)} ${"max µs".padStart(9)} ${"req/s".padStart(8)} ${"RSS MB".padStart(7)}`)
  const arrayTags = [`Gen=REAL[${count}]`]
  const scalarTags = Array.from({ length: count }, (_, i) => `G${i}=REAL`)
  const scalarSignals = Array.from({ length: count }, (_, i) => ["--signal", `G${i}=sine(amplitude=40, offset=50, period=10s, phase=${(i / count).toFixed(4)})`]).flat()
  const cases: Array<[string, Array<string>, Array<string>]> = [
    [`array REAL[${count}], 1 spec`, arrayTags, ["--signal", "Gen=sine(amplitude=40, offset=50, period=10s)"]],
    [`${count} scalar tags, a spec each`, scalarTags, scalarSignals]
  ]
  for (const [label, tags, signals] of cases) {
    const base = await measure(tags)
    const gen = await measure([...tags, ...signals])
    console.log(row(`${label}: no signals (baseline)`, base))
    console.log(row(`${label}: generated`, gen))
    console.log(`  added by the signals: CPU +${(gen.cpu - base.cpu).toFixed(1)} %, p99 ${gen.p99 - base.p99 >= 0 ? "+" : ""}${(gen.p99 - base.p99).toFixed(0)} µs (ratio ${(gen.p99 / base.p99).toFixed(2)}), p99.9 ${gen.p999 - base.p999 >= 0 ? "+" : ""}${(gen.p999 - base.p999).toFixed(0)} µs, p50 ratio ${(gen.p50 / base.p50).toFixed(2)}`)
  }
}
main().catch((e) => { console.error(e); process.exit(1) })
