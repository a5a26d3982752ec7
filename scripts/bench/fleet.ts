/**
 * Fleet benchmark: N controllers × 10 tags in one process (`cpppo enip fleet`), against the same
 * controllers as separate `cpppo enip server` processes.
 *
 *   npm run bench -- fleet [--count 500] [--seconds 10] [--processes 50] [--start-only]
 *
 * Prints: the time from starting the process until every controller listens; the fleet's RSS and
 * heap and the cost per controller (against a fleet of 1); N sessions at once, one per
 * controller, writing then reading back in lock-step (every write verified on its controller,
 * and at the end through the fleet's web API): aggregate operations/s and p50/p99; then the same
 * with P separate server processes (memory measured on P, extrapolated to N), and the fleet
 * with only P sessions for a like-for-like rate. Needs 127.0.1.0/24 and 127.0.5.0/24 on
 * loopback (Linux; run it in a network namespace of its own: /work/bin/netns-run or unshare).
 * Start times are also given as the CPU time the process had used when the last controller
 * listened: on a loaded machine the wall time measures the other work as much as ours.
 * `--start-only` stops after the start and memory figures.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { formatIpv4, parseIpv4 } from "../../src/server/addressRange.js"

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, "..", "..")
const args = process.argv.slice(2)
const opt = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt)
const N = opt("--count", 500)
const SECONDS = opt("--seconds", 10)
const P = Math.min(opt("--processes", 50), N)
const START_ONLY = args.includes("--start-only")
const TAGS = ["SCADA=DINT[100]", "Speed=REAL", "Running=BOOL", "Count=DINT", "Level=REAL[16]", "Flags=BOOL[32]", "Recipe=STRING", "Temps=REAL[8]", "Alarms=DINT[20]", "Mode=INT"]
const cli = join(root, "dist", "cli", "bin.js")

/** CPU seconds (user + system) a process has used so far. */
const cpuSeconds = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  return (Number(f[11]) + Number(f[12])) / 100
}

const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
  return m ? Number(m[1]) / 1024 : NaN
}

/** Start `cpppo …` (fd limit raised); resolves once stdout has `lines` lines. */
const start = (argv: ReadonlyArray<string>, lines: number): Promise<{ child: ChildProcess; out: Array<string>; ms: number; cpu: number }> =>
  new Promise((resolve, reject) => {
    const t0 = performance.now()
    const quoted = [process.execPath, cli, ...argv].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ")
    const child = spawn("sh", ["-c", `ulimit -n 16384 2>/dev/null; exec ${quoted}`], { cwd: root, stdio: ["ignore", "pipe", "inherit"] })
    children.add(child)
    child.on("exit", () => children.delete(child))
    let out = ""
    const timer = setTimeout(() => reject(new Error(`not listening after 300 s: ${argv.slice(0, 6).join(" ")}`)), 300_000)
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString()
      const all = out.split("\n").filter((l) => l !== "")
      if (all.length >= lines) { clearTimeout(timer); resolve({ child, out: all, ms: performance.now() - t0, cpu: cpuSeconds(child.pid!) }) }
    })
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`exited ${code}`)) })
  })

/** Every child still running is stopped when the benchmark ends, however it ends. */
const children = new Set<ChildProcess>()
process.on("exit", () => { for (const c of children) if (c.exitCode === null) c.kill("SIGKILL") })

const stop = (child: ChildProcess) => new Promise<void>((resolve) => {
  if (child.exitCode !== null) return resolve()
  child.once("exit", () => resolve())
  child.kill("SIGINT")
})

interface Load { ops: number; writes: number; errors: number; mismatches: number; elapsed: number; p50: number; p99: number; last: Record<string, number> }
const loadPart = (first: string, count: number): Promise<Load & { latencies?: never }> =>
  new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", `ulimit -n 16384 2>/dev/null; exec '${process.execPath}' --import tsx '${join(here, "_fleetload.ts")}' ${first} ${count} 44818 ${SECONDS}`], { cwd: root, stdio: ["ignore", "pipe", "inherit"] })
    children.add(child)
    let out = ""
    child.stdout!.on("data", (d: Buffer) => { out += d.toString() })
    child.on("exit", () => { children.delete(child); try { resolve(JSON.parse(out) as Load) } catch (e) { reject(e) } })
  })
/** The sessions split over up to 4 client processes (one process for 500 sockets would be the bottleneck). */
const load = async (first: string, count: number): Promise<Load> => {
  const parts = Math.min(4, count)
  const base = parseIpv4(first)!
  const results = await Promise.all(Array.from({ length: parts }, (_, i) => {
    const start = Math.floor((i * count) / parts)
    const end = Math.floor(((i + 1) * count) / parts)
    return loadPart(formatIpv4(base + start), end - start)
  }))
  const sum = (k: "ops" | "writes" | "errors" | "mismatches") => results.reduce((a, r) => a + r[k], 0)
  return {
    ops: sum("ops"), writes: sum("writes"), errors: sum("errors"), mismatches: sum("mismatches"),
    elapsed: Math.max(...results.map((r) => r.elapsed)),
    // Percentiles of the parts, weighted by their operations (each part measured its own).
    p50: results.reduce((a, r) => a + r.p50 * r.ops, 0) / Math.max(1, sum("ops")),
    p99: Math.max(...results.map((r) => r.p99)),
    last: Object.assign({}, ...results.map((r) => r.last))
  }
}

const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN)
const mb = (bytes: number) => bytes / 1024 / 1024
const line = (label: string, l: Load, sessions: number) =>
  `${label.padEnd(34)} ${String(sessions).padStart(8)} ${(l.ops / l.elapsed).toFixed(0).padStart(10)} ${(l.p50 / 1000).toFixed(2).padStart(8)} ${(l.p99 / 1000).toFixed(2).padStart(8)} ${String(l.writes).padStart(9)} ${String(l.errors).padStart(7)} ${String(l.mismatches).padStart(10)}`

const main = async () => {
  console.log(`fleet benchmark: ${N} controllers × ${TAGS.length} tags; ${SECONDS} s lock-step write+read per session; ${P} separate processes for comparison; ${process.version}`)

  // The machine's pace: how long the CLI takes just to load and print its version.
  const v0 = performance.now()
  const bootCpu = await new Promise<number>((resolve) => {
    const c = spawn("sh", ["-c", `'${process.execPath}' '${cli}' --version >/dev/null; cat /proc/$$/stat`], { stdio: ["ignore", "pipe", "ignore"] })
    let out = ""
    c.stdout.on("data", (d: Buffer) => { out += d.toString() })
    // The shell's children's CPU (cutime + cstime) is node's.
    c.on("exit", () => { const f = out.split(") ")[1]?.split(" ") ?? []; resolve((Number(f[13]) + Number(f[14])) / 100) })
  })
  const bootMs = performance.now() - v0

  // One controller first: the base cost of the process.
  const one = await start(["enip", "fleet", "--count", "1", "--address", "127.0.1.250", "-A", "-w", "127.0.0.1:0", ...TAGS], 2)
  await new Promise((r) => setTimeout(r, 1000))
  const oneMetrics = await (await fetch(`http://${one.out[1]!.split(" ")[1]}/metrics`)).text()
  const oneRss = rssMb(one.child.pid!)
  const oneHeap = mb(metric(oneMetrics, "nodejs_heap_size_used_bytes"))
  await stop(one.child)

  const fleet = await start(["enip", "fleet", "--count", String(N), "--address", "127.0.1.1", "-A", "-w", "127.0.0.1:0", ...TAGS], N + 1)
  const web = fleet.out[N]!.split(" ")[1]!
  console.log(`start: ${N} controllers listening (TCP and UDP) ${(fleet.ms / 1000).toFixed(2)} s after the process started (target ≤ 5 s), ${fleet.cpu.toFixed(2)} s CPU; ` +
    `a fleet of 1: ${(one.ms / 1000).toFixed(2)} s, ${one.cpu.toFixed(2)} s CPU; the CLI alone (--version): ${(bootMs / 1000).toFixed(2)} s, ${bootCpu.toFixed(2)} s CPU`)
  await new Promise((r) => setTimeout(r, 1500))
  const idleMetrics = await (await fetch(`http://${web}/metrics`)).text()
  const rss = rssMb(fleet.child.pid!)
  const heap = mb(metric(idleMetrics, "nodejs_heap_size_used_bytes"))
  console.log(`memory: fleet of ${N}: RSS ${rss.toFixed(0)} MB (target ≤ 300 MB), heap used ${heap.toFixed(1)} MB; fleet of 1: RSS ${oneRss.toFixed(0)} MB, heap ${oneHeap.toFixed(1)} MB`)
  console.log(`per controller: RSS ${((rss - oneRss) * 1024 / (N - 1)).toFixed(0)} kB, heap ${((heap - oneHeap) * 1024 / (N - 1)).toFixed(0)} kB`)
  if (START_ONLY) return stop(fleet.child)

  console.log("\nload (clients in 4 processes)      sessions     ops/s   p50 ms   p99 ms    writes  errors mismatches")
  const all = await load("127.0.1.1", N)
  const loadedRss = rssMb(fleet.child.pid!)
  console.log(line(`fleet of ${N}, one session each`, all, N))
  // Server-side check: each controller holds the last value its own session wrote.
  const api = (await (await fetch(`http://${web}/api/tags/SCADA/attribute[0]`)).json()) as { command: { value: Record<string, number> } }
  let wrong = 0
  for (const [host, value] of Object.entries(all.last)) {
    const n = parseIpv4(host)! - parseIpv4("127.0.1.1")! + 1
    if (api.command.value[`plc${n}/SCADA`] !== value) wrong++
  }
  console.log(`  verified through the web API: ${Object.keys(all.last).length - wrong} of ${N} controllers hold their own session's last write (${wrong} wrong); RSS under load ${loadedRss.toFixed(0)} MB`)
  const some = await load("127.0.1.1", P)
  console.log(line(`fleet of ${N}, ${P} sessions`, some, P))
  await stop(fleet.child)

  // The same as separate processes: P of them, memory extrapolated to N.
  // Started 5 at a time (50 node processes at once would only measure the scheduler).
  const t0 = performance.now()
  const procs: Array<{ child: ChildProcess }> = []
  for (let i = 0; i < P; i += 5) {
    procs.push(...(await Promise.all(Array.from({ length: Math.min(5, P - i) }, (_, j) =>
      start(["enip", "server", "-a", `${formatIpv4(parseIpv4("127.0.5.1")! + i + j)}:44818`, "-A", ...TAGS], 1)))))
  }
  const startMs = performance.now() - t0
  await new Promise((r) => setTimeout(r, 1500))
  const procRss = procs.reduce((sum, p) => sum + rssMb(p.child.pid!), 0)
  const separate = await load("127.0.5.1", P)
  console.log(line(`${P} separate server processes`, separate, P))
  await Promise.all(procs.map((p) => stop(p.child)))
  console.log(`\nseparate processes: ${P} started in ${(startMs / 1000).toFixed(1)} s; RSS ${procRss.toFixed(0)} MB for ${P} (${(procRss / P).toFixed(0)} MB each) → ${(procRss * N / P / 1024).toFixed(1)} GB for ${N}, against ${rss.toFixed(0)} MB for the fleet of ${N} (${((procRss * N / P) / rss).toFixed(0)}×)`)
}

main().catch((e) => { console.error(e); process.exit(1) })
