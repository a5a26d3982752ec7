/**
 * Server benchmark: our simulator in a child process, loaded by a raw-socket generator in another
 * child process (scripts/bench/_loadgen.ts). For 1, 8 and 64 sessions × 1 and 8 requests in flight,
 * prints requests/s, p50/p99 latency, the server's CPU µs per request (from /proc) and its RSS;
 * then holds 1,000 idle sessions and prints the RSS. The same load against a minimal raw node:net
 * server that answers with a canned reply is the baseline (ratio = ours / baseline).
 *
 *   npm run bench -- server [--seconds 3] [--quick]
 */
import { spawn, type ChildProcess } from "node:child_process"
import { existsSync } from "node:fs"
import * as net from "node:net"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { cpuTicks, rssMb, TICK_US } from "./_cpu.js"

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, "..", "..")
const args = process.argv.slice(2)
const seconds = Number(args[args.indexOf("--seconds") + 1] ?? 3) || 3
const quick = args.includes("--quick")


/** Start a server child that prints host:port on its first stdout line. */
const startChild = (argv: Array<string>): Promise<{ child: ChildProcess; port: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: root, stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    const t = setTimeout(() => reject(new Error("server did not start")), 20000)
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString()
      const m = /:(\d+)\s*$/m.exec(out.split("\n")[0] ?? "")
      if (m && out.includes("\n")) { clearTimeout(t); resolve({ child, port: Number(m[1]) }) }
    })
    child.on("exit", (code) => reject(new Error(`server exited ${code}`)))
  })

const loadgen = (port: number, sessions: number, inflight: number, secs: number): Promise<{ requests: number; errors: number; elapsed: number; p50: number; p99: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(here, "_loadgen.ts"), "127.0.0.1", String(port), String(sessions), String(inflight), String(secs)], { cwd: root, stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout.on("data", (d: Buffer) => { out += d.toString() })
    child.on("exit", () => { try { resolve(JSON.parse(out)) } catch (e) { reject(e) } })
  })

const BASELINE = `
const net = require("net")
const reply = Buffer.concat([Buffer.from("6f001a00", "hex"), Buffer.alloc(20), Buffer.from("000000000800020000000000b2000a00cc000000c30000000000", "hex")])
const srv = net.createServer({ noDelay: true }, (s) => {
  let buf = Buffer.alloc(0)
  s.on("data", (c) => {
    buf = buf.length ? Buffer.concat([buf, c]) : c
    while (buf.length >= 24) {
      const len = 24 + buf.readUInt16LE(2); if (buf.length < len) break
      const f = buf.subarray(0, len); buf = buf.subarray(len)
      if (f.readUInt16LE(0) === 0x65) { const r = Buffer.from(f); r.writeUInt32LE(1, 4); s.write(r) } else s.write(reply)
    }
  })
  s.on("error", () => {})
})
srv.listen(0, "127.0.0.1", () => console.log("127.0.0.1:" + srv.address().port))
`

const measure = async (label: string, pid: number, port: number, sessions: number, inflight: number) => {
  const t0 = cpuTicks(pid)
  const r = await loadgen(port, sessions, inflight, seconds)
  const cpu = (cpuTicks(pid) - t0) * TICK_US
  return { label, sessions, inflight, rps: r.requests / r.elapsed, p50: r.p50, p99: r.p99, cpuPerReq: r.requests ? cpu / r.requests : NaN, errors: r.errors, rss: rssMb(pid) }
}

const holdIdle = (port: number, n: number): Promise<Array<net.Socket>> =>
  Promise.all(Array.from({ length: n }, () => new Promise<net.Socket>((res, rej) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => res(s))
    s.on("error", rej)
  })))

const main = async () => {
  // The built CLI (npm ci builds dist/), as users run it; tsx adds its compiler's memory to the RSS.
  const entry = existsSync(join(root, "dist", "cli", "bin.js")) && !args.includes("--tsx")
    ? ["dist/cli/bin.js"] : ["--import", "tsx", "src/cli/bin.ts"]
  const ours = await startChild([...entry, "enip", "server", "-a", "127.0.0.1:0", "-A", "-U", "SCADA=INT[1000]"])
  // The server's RSS once listening, before any client: the README's "at start" figure.
  const atStart = rssMb(ours.child.pid!)
  const base = await startChild(["-e", BASELINE])
  const configs: Array<[number, number]> = quick ? [[1, 1], [8, 8]] : [[1, 1], [1, 8], [8, 1], [8, 8], [64, 1], [64, 8]]
  console.log(`server benchmark: ${seconds}s per run, Read Tag SCADA[0] via SendRRData/Unconnected Send, loopback, ${process.version}`)
  console.log("sessions×inflight      req/s    p50 µs    p99 µs   CPU µs/req   RSS MB  errors   baseline req/s  ratio  baseline CPU µs/req")
  // Warm-up (JIT) for both.
  await loadgen(ours.port, 4, 4, 1)
  await loadgen(base.port, 4, 4, 1)
  for (const [s, i] of configs) {
    const o = await measure("ours", ours.child.pid!, ours.port, s, i)
    const b = await measure("baseline", base.child.pid!, base.port, s, i)
    console.log(
      `${`${s}×${i}`.padEnd(18)} ${o.rps.toFixed(0).padStart(9)} ${o.p50.toFixed(0).padStart(9)} ${o.p99.toFixed(0).padStart(9)} ${o.cpuPerReq.toFixed(1).padStart(12)} ${o.rss.toFixed(0).padStart(8)} ${String(o.errors).padStart(7)} ${b.rps.toFixed(0).padStart(16)} ${(o.rps / b.rps).toFixed(2).padStart(6)} ${b.cpuPerReq.toFixed(1).padStart(20)}`
    )
  }
  const before = rssMb(ours.child.pid!)
  const idle = await holdIdle(ours.port, quick ? 200 : 1000)
  await new Promise((r) => setTimeout(r, 1000))
  const after = rssMb(ours.child.pid!)
  console.log(`idle sessions: ${idle.length} held; server RSS ${atStart.toFixed(0)} MB at start, ${before.toFixed(0)} MB after the load runs, ${after.toFixed(0)} MB with them (target < 200 MB)`)
  for (const s of idle) s.destroy()
  ours.child.kill("SIGINT")
  base.child.kill("SIGINT")
}
main().catch((e) => { console.error(e); process.exit(1) })
