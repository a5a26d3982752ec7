/**
 * Server benchmark: our simulator in a child process, loaded by a raw-socket generator in another
 * child process (scripts/bench/_loadgen.ts). For 1, 8 and 64 sessions × 1 and 8 requests in flight,
 * prints requests/s, p50/p99 latency, the server's CPU µs per request (from /proc) and its RSS;
 * then holds 1,000 idle sessions and prints the RSS. The same load against a minimal raw node:net
 * server that answers with a canned reply is the baseline (ratio = ours / baseline). When
 * ../shared/tools/libplctag is present, ends with one side-by-side pair of libplctag's bench.sh
 * against its C simulator ab_server and ours (more rounds, medians: `npm run bench -- lockstep`).
 *
 *   npm run bench -- server [--seconds 3] [--quick]
 */
import * as net from "node:net"
import { libplctagMissing, libplctagRuns, printRounds, sideBySideRound } from "./_libplctag.js"
import { BASELINE, cliEntry, cpuMicros, load, loadgen, rssMb, startChild } from "./_procs.js"

const args = process.argv.slice(2)
const seconds = Number(args[args.indexOf("--seconds") + 1] ?? 3) || 3
const quick = args.includes("--quick")

const measure = async (label: string, pid: number, port: number, sessions: number, inflight: number) => {
  const t0 = cpuMicros(pid)
  const r = await loadgen(port, sessions, inflight, seconds)
  const cpu = cpuMicros(pid) - t0
  return { label, sessions, inflight, rps: r.requests / r.elapsed, p50: r.p50, p99: r.p99, cpuPerReq: r.requests ? cpu / r.requests : NaN, errors: r.errors, rss: rssMb(pid) }
}

const holdIdle = (port: number, n: number): Promise<Array<net.Socket>> =>
  Promise.all(Array.from({ length: n }, () => new Promise<net.Socket>((res, rej) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => res(s))
    s.on("error", rej)
  })))

const main = async () => {
  // The built CLI (npm ci builds dist/), as users run it; tsx adds its compiler's memory to the RSS.
  const entry = cliEntry(args.includes("--tsx"))
  const ours = await startChild([...entry, "enip", "server", "-a", "127.0.0.1:0", "-A", "-U", "SCADA=INT[1000]"])
  // The server's RSS once listening, before any client: the README's "at start" figure.
  const atStart = rssMb(ours.child.pid!)
  const base = await startChild(["-e", BASELINE])
  const configs: Array<[number, number]> = quick ? [[1, 1], [8, 8]] : [[1, 1], [1, 8], [8, 1], [8, 8], [64, 1], [64, 8]]
  console.log(`server benchmark: ${seconds}s per run, Read Tag SCADA[0] via SendRRData/Unconnected Send, loopback, ${process.version}, load average ${load()}`)
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

  // libplctag's load against its C simulator and ours, one side-by-side pair (more rounds and the
  // floor comparison: npm run bench -- lockstep).
  const missing = libplctagMissing()
  if (quick || missing !== undefined || !libplctagRuns()) {
    console.log(`libplctag side by side: skipped (${quick ? "--quick" : missing ?? "plctag_bench does not run on this machine"})`)
    return
  }
  console.log(`libplctag bench.sh, ab_server (C), the node:net floor and ours side by side, ${seconds} s per scenario, each warmed 1 s per scenario first`)
  printRounds([await sideBySideRound(seconds, true, true)])
}
main().catch((e) => { console.error(e); process.exit(1) })
