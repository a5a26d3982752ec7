/**
 * Lock-step cost (one request in flight per connection, as HMIs, historians, pylogix, pycomm3 and
 * libplctag's blocking API load a controller), from CPU time so that a shared machine skews rates
 * more than the figures that count:
 *
 * 1. Our simulator and the raw node:net canned-reply floor (scripts/bench/_procs.ts), each loaded
 *    by the raw-socket generator with 1 session × 1 request in flight (Read Tag SCADA[0] by
 *    SendRRData / Unconnected Send), alternated ROUNDS times: server CPU µs per request (user +
 *    system), medians and the ratio ours / floor. When ../shared/tools/libplctag is present,
 *    ab_server (C) takes the same load in the same rounds: the floor's own ratio to it is what
 *    Node itself costs against a blocking C server, before any protocol work.
 * 2. When ../shared/tools/libplctag is present: libplctag's plctag_bench (bench.sh) against its C
 *    simulator ab_server, against the Node floor for that load (scripts/bench/_plctagFloor.mjs:
 *    node:net answering libplctag's requests with canned replies) and against ours, sync-read,
 *    packed16 and big-read, ROUNDS side-by-side rounds (every server warmed for 1 s per scenario,
 *    then SECONDS per scenario): rates, server CPU µs per tag operation, the ratios per round
 *    (ours/ab_server, floor/ab_server, ours/floor), their medians and the best round.
 *
 *   npm run bench -- lockstep [--seconds 5] [--rounds 3] [--cold] [--no-libplctag]
 *
 * Run it inside /work/bin/netns-run (or any quiet loopback) on a machine as idle as you can get.
 */
import { libplctagMissing, libplctagRuns, printRounds, type Round, SCENARIOS, sideBySideRound, startAbServer, stop } from "./_libplctag.js"
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

  // 1. Ours against the floor that node:net sets (and ab_server when present), same load, alternated.
  const withAb = !args.includes("--no-libplctag") && libplctagMissing() === undefined && libplctagRuns()
  const ours = await startChild([...cliEntry(), "enip", "server", "-a", "127.0.0.1:0", "-A", "-U", "SCADA=INT[1000]"])
  const floor = await startChild(["-e", BASELINE])
  const ab = withAb ? await startAbServer() : undefined
  await loadgen(ours.port, 1, 1, 1) // warm-up (JIT) for both
  await loadgen(floor.port, 1, 1, 1)
  if (ab !== undefined) await loadgen(ab.port, 1, 1, 1)
  const o: Array<PerRequest> = []
  const f: Array<PerRequest> = []
  const a: Array<PerRequest> = []
  for (let i = 0; i < rounds; i++) {
    o.push(await lockStep(ours.child.pid!, ours.port))
    f.push(await lockStep(floor.child.pid!, floor.port))
    if (ab !== undefined) a.push(await lockStep(ab.child.pid!, ab.port))
  }
  ours.child.kill("SIGINT")
  floor.child.kill("SIGINT")
  if (ab !== undefined) await stop(ab.child)
  console.log("\n1 session × 1 in flight (Read Tag, SendRRData)   req/s   CPU µs/req (user + system)")
  const row = (label: string, xs: ReadonlyArray<PerRequest>) => {
    const cpu = median(xs.map((x) => x.user + x.system))
    console.log(`${label.padEnd(46)} ${median(xs.map((x) => x.rps)).toFixed(0).padStart(7)}   ${cpu.toFixed(2).padStart(6)} (${median(xs.map((x) => x.user)).toFixed(2)} + ${median(xs.map((x) => x.system)).toFixed(2)})   runs: ${xs.map((x) => (x.user + x.system).toFixed(1)).join(", ")}`)
    return cpu
  }
  const oc = row("ours (median of rounds)", o)
  const fc = row("raw node:net canned reply (median of rounds)", f)
  const ac = ab !== undefined ? row("ab_server, C (median of rounds)", a) : NaN
  console.log(`ratio ours / floor: ${(oc / fc).toFixed(2)}× CPU per request (target ≤ 1.10×)`)
  if (ab !== undefined) {
    console.log(`ratio floor / ab_server: ${(fc / ac).toFixed(2)}×, ours / ab_server: ${(oc / ac).toFixed(2)}× CPU per request (the floor is node:net answering a canned reply: no protocol work)`)
  }

  // 2. libplctag's load: ab_server, the node:net floor and ours, side by side.
  if (args.includes("--no-libplctag")) return
  const missing = libplctagMissing()
  if (missing !== undefined || !libplctagRuns()) {
    console.log(`\nlibplctag side by side: skipped (${missing ?? "plctag_bench does not run on this machine"})`)
    return
  }
  const warm = !args.includes("--cold")
  console.log(`\nlibplctag bench.sh, ab_server (C), the node:net floor and ours side by side, ${seconds} s per scenario${warm ? ", each warmed 1 s per scenario first" : ", cold servers"}`)
  const results: Array<Round> = []
  for (let i = 0; i < rounds; i++) results.push(await sideBySideRound(seconds, i % 2 === 0, warm, SCENARIOS))
  printRounds(results, SCENARIOS)
  console.log(`load average at the end: ${load()}`)
}
main().catch((e) => { console.error(e); process.exit(1) })
