/**
 * Lock-step cost (one request in flight per connection, as HMIs, historians, pylogix, pycomm3 and
 * libplctag's blocking API load a controller), from CPU time so that a shared machine skews rates
 * more than the figures that count:
 *
 * 1. Our simulator and the raw node:net canned-reply floor (scripts/bench/_procs.ts), each loaded
 *    by the raw-socket generator with 1 session × 1 request in flight (Read Tag SCADA[0] by
 *    SendRRData / Unconnected Send), alternated ROUNDS times: server CPU µs per request (user +
 *    system), medians and the ratio ours / floor.
 * 2. When ../shared/tools/libplctag is present: libplctag's plctag_bench (bench.sh) against its C
 *    simulator ab_server and against ours, sync-read, packed16 and big-read, ROUNDS side-by-side
 *    pairs (both servers warmed for 1 s per scenario, then SECONDS per scenario): rates, server CPU
 *    µs per tag operation, both ratios per round, their medians and the best round.
 *
 *   npm run bench -- lockstep [--seconds 5] [--rounds 3] [--cold] [--no-libplctag]
 *
 * Run it inside /work/bin/netns-run (or any quiet loopback) on a machine as idle as you can get.
 */
import { libplctagMissing, libplctagRuns, printRounds, type Round, SCENARIOS, sideBySideRound } from "./_libplctag.js"
import { BASELINE, cliEntry, cpuTimes, load, loadgen, median, startChild } from "./_procs.js"

const args = process.argv.slice(2)
const num = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`)
  const v = i >= 0 ? Number(args[i + 1]) : fallback
  if (!Number.isFinite(v) || v <= 0) { console.error(`cpppo bench: --${name} needs a positive number`); process.exit(2) }
  return v
}
const seconds = num("seconds", 5)
const rounds = Math.floor(num("rounds", 3))

interface PerRequest { readonly user: number; readonly system: number; readonly rps: number }

const lockStep = async (pid: number, port: number): Promise<PerRequest> => {
  const t0 = cpuTimes(pid)
  const r = await loadgen(port, 1, 1, seconds)
  const t1 = cpuTimes(pid)
  const n = Math.max(1, r.requests)
  return { user: (t1.user - t0.user) / n, system: (t1.system - t0.system) / n, rps: r.requests / r.elapsed }
}

const main = async () => {
  console.log(`lock-step benchmark: ${seconds} s per run, ${rounds} rounds, ${process.version}, load average ${load()}`)

  // 1. Ours against the floor that node:net sets, same load, alternated.
  const ours = await startChild([...cliEntry(), "enip", "server", "-a", "127.0.0.1:0", "-A", "-U", "SCADA=INT[1000]"])
  const floor = await startChild(["-e", BASELINE])
  await loadgen(ours.port, 1, 1, 1) // warm-up (JIT) for both
  await loadgen(floor.port, 1, 1, 1)
  const o: Array<PerRequest> = []
  const f: Array<PerRequest> = []
  for (let i = 0; i < rounds; i++) {
    o.push(await lockStep(ours.child.pid!, ours.port))
    f.push(await lockStep(floor.child.pid!, floor.port))
  }
  ours.child.kill("SIGINT")
  floor.child.kill("SIGINT")
  console.log("\n1 session × 1 in flight (Read Tag, SendRRData)   req/s   CPU µs/req (user + system)")
  const row = (label: string, xs: ReadonlyArray<PerRequest>) => {
    const cpu = median(xs.map((x) => x.user + x.system))
    console.log(`${label.padEnd(46)} ${median(xs.map((x) => x.rps)).toFixed(0).padStart(7)}   ${cpu.toFixed(2).padStart(6)} (${median(xs.map((x) => x.user)).toFixed(2)} + ${median(xs.map((x) => x.system)).toFixed(2)})   runs: ${xs.map((x) => (x.user + x.system).toFixed(1)).join(", ")}`)
    return cpu
  }
  const oc = row("ours (median of rounds)", o)
  const fc = row("raw node:net canned reply (median of rounds)", f)
  console.log(`ratio ours / floor: ${(oc / fc).toFixed(2)}× CPU per request (target ≤ 1.10×)`)

  // 2. libplctag's load: ab_server and ours, side by side.
  if (args.includes("--no-libplctag")) return
  const missing = libplctagMissing()
  if (missing !== undefined || !libplctagRuns()) {
    console.log(`\nlibplctag side by side: skipped (${missing ?? "plctag_bench does not run on this machine"})`)
    return
  }
  const warm = !args.includes("--cold")
  console.log(`\nlibplctag bench.sh, ab_server (C) and ours side by side, ${seconds} s per scenario${warm ? ", both warmed 1 s per scenario first" : ", cold servers"}`)
  const results: Array<Round> = []
  for (let i = 0; i < rounds; i++) results.push(await sideBySideRound(seconds, i % 2 === 0, warm, SCENARIOS))
  printRounds(results, SCENARIOS)
  console.log(`load average at the end: ${load()}`)
}
main().catch((e) => { console.error(e); process.exit(1) })
