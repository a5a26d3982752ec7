/**
 * How low can a server on node:net go in lock-step? Three canned-reply Node servers that differ
 * only in how a request enters and a reply leaves, and ab_server (C) when ../shared/tools/libplctag
 * is present, each loaded by the raw-socket generator with 1 session × 1 Read Tag in flight,
 * alternated round by round; server CPU µs per request (user + system from /proc), medians:
 *
 * - `streams`: the `data` event and `socket.write` (the floor `npm run bench -- server/lockstep` use);
 * - `onread`: node's `onread` into one reused buffer (as our sessions read, src/server/readBuffer.ts)
 *   and `socket.write`;
 * - `handle`: `onread`, and each reply written straight to the libuv handle with a WriteWrap from
 *   `process.binding("stream_wrap")` (an internal, deprecated API: no Writable stream at all). It
 *   is the lowest cost node:net can reach from JavaScript; it is measured here, not used by the
 *   simulator.
 *
 * Then, when libplctag is there, its bench.sh (sync-read, packed16, big-read) against ab_server and
 * the libplctag floor (scripts/bench/_plctagFloor.mjs) in both forms, streams and `--handle`, ROUNDS
 * rounds: server CPU µs per tag operation and the floors' ratios to ab_server.
 *
 * The gap between `handle` and ab_server is what no JavaScript change can close (issue 15).
 *
 *   npm run bench -- floors [--seconds 3] [--rounds 5]
 */
import { join } from "node:path"
import { benchSh, type Figure, libplctagMissing, libplctagRuns, SCENARIOS, startAbServer, stop } from "./_libplctag.js"
import { BASELINE, cpuTimes, load, loadgen, median, root, startChild } from "./_procs.js"

const args = process.argv.slice(2)
const num = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`)
  const v = i >= 0 ? Number(args[i + 1]) : fallback
  if (!Number.isFinite(v) || v <= 0) { console.error(`cpppo bench: --${name} needs a positive number`); process.exit(2) }
  return v
}
const seconds = num("seconds", 3)
const rounds = Math.floor(num("rounds", 5))

// The canned reply and the framing of BASELINE; the socket built around the accepted handle with
// `onread`, as src/server/readBuffer.ts does; `direct` writes through the handle.
const adopting = (direct: boolean) => `
const net = require("net")
process.noDeprecation = true
const reply = Buffer.concat([Buffer.from("6f001a00", "hex"), Buffer.alloc(20), Buffer.from("000000000800020000000000b2000a00cc000000c30000000000", "hex")])
const shared = Buffer.allocUnsafe(65536)
const { WriteWrap } = process.binding("stream_wrap")
const srv = net.createServer({ noDelay: true, pauseOnConnect: true }, (a) => {
  const handle = a._handle; a._handle = null; a.destroy()
  let s
  const write = ${direct
    ? `(b) => { const req = new WriteWrap(); req.handle = handle; req.buffer = b; req.oncomplete = (status) => { if (status < 0) s.destroy() }; const err = handle.writeBuffer(req, b); if (err) s.destroy() }`
    : `(b) => s.write(b)`}
  let buf = Buffer.alloc(0)
  const onChunk = (c) => {
    buf = buf.length ? Buffer.concat([buf, c]) : c
    while (buf.length >= 24) {
      const len = 24 + buf.readUInt16LE(2); if (buf.length < len) break
      const f = buf.subarray(0, len); buf = buf.subarray(len)
      if (f.readUInt16LE(0) === 0x65) { const r = Buffer.from(f); r.writeUInt32LE(1, 4); write(r) } else write(reply)
    }
  }
  s = new net.Socket({ handle, readable: true, writable: true, onread: { buffer: shared, callback: (n) => { const c = Buffer.allocUnsafe(n); shared.copy(c, 0, 0, n); onChunk(c) } } })
  s.on("error", () => {})
})
srv.listen(0, "127.0.0.1", () => console.log("127.0.0.1:" + srv.address().port))
`

interface PerRequest { readonly user: number; readonly system: number; readonly rps: number; readonly errors: number }

const main = async () => {
  console.log(`node:net floors in lock-step: ${seconds} s per run, ${rounds} rounds, ${process.version}, load average ${load()}`)
  const servers: Array<[string, { child: import("node:child_process").ChildProcess; port: number }]> = [
    ["streams: data event + socket.write", await startChild(["-e", BASELINE])],
    ["onread + socket.write", await startChild(["-e", adopting(false)])],
    ["onread + write to the libuv handle", await startChild(["-e", adopting(true)])]
  ]
  const withAb = libplctagMissing() === undefined && libplctagRuns()
  if (withAb) servers.push(["ab_server (C)", await startAbServer()])
  else console.log(`ab_server: skipped (${libplctagMissing() ?? "it does not run on this machine"})`)
  const runs = servers.map((): Array<PerRequest> => [])
  for (const [, s] of servers) await loadgen(s.port, 1, 1, 1) // warm-up (JIT)
  for (let i = 0; i < rounds; i++) {
    for (const [k, [, s]] of servers.entries()) {
      const t0 = cpuTimes(s.child.pid!)
      const r = await loadgen(s.port, 1, 1, seconds)
      const t1 = cpuTimes(s.child.pid!)
      const n = Math.max(1, r.requests)
      runs[k]!.push({ user: (t1.user - t0.user) / n, system: (t1.system - t0.system) / n, rps: r.requests / r.elapsed, errors: r.errors })
    }
  }
  for (const [, s] of servers) await stop(s.child)
  console.log("server (median of rounds)                   req/s   CPU µs/req (user + system)   errors   runs")
  const cpu = runs.map((xs) => median(xs.map((x) => x.user + x.system)))
  for (const [k, [label]] of servers.entries()) {
    const xs = runs[k]!
    console.log(`${label.padEnd(40)} ${median(xs.map((x) => x.rps)).toFixed(0).padStart(7)}   ${cpu[k]!.toFixed(2).padStart(6)} (${median(xs.map((x) => x.user)).toFixed(2)} + ${median(xs.map((x) => x.system)).toFixed(2)})   ${String(xs.reduce((a, x) => a + x.errors, 0)).padStart(6)}   ${xs.map((x) => (x.user + x.system).toFixed(1)).join(", ")}`)
  }
  console.log(`handle / streams: ${(cpu[2]! / cpu[0]!).toFixed(2)}×, handle / onread: ${(cpu[2]! / cpu[1]!).toFixed(2)}× CPU per request`)
  if (withAb) console.log(`streams / ab_server: ${(cpu[0]! / cpu[3]!).toFixed(2)}×, handle / ab_server: ${(cpu[2]! / cpu[3]!).toFixed(2)}× CPU per request`)
  if (!withAb) { console.log(`load average at the end: ${load()}`); return }

  // libplctag's load: ab_server and the two forms of the libplctag floor, fresh servers per round.
  console.log(`\nlibplctag bench.sh, ${seconds} s per scenario, each server warmed 1 s per scenario; server CPU µs per operation`)
  const floorScript = join(root, "scripts", "bench", "_plctagFloor.mjs")
  const byScenario = new Map<string, Array<{ ab: Figure; streams: Figure; handle: Figure }>>(SCENARIOS.map((s) => [s, []]))
  for (let i = 0; i < rounds; i++) {
    const ab = await startAbServer()
    const streams = await startChild([floorScript])
    const handle = await startChild([floorScript, "--handle"])
    try {
      for (const s of [ab, streams, handle]) await benchSh(s.child.pid!, s.port, 1, SCENARIOS)
      const a = await benchSh(ab.child.pid!, ab.port, seconds, SCENARIOS)
      const f = await benchSh(streams.child.pid!, streams.port, seconds, SCENARIOS)
      const h = await benchSh(handle.child.pid!, handle.port, seconds, SCENARIOS)
      const none: Figure = { tps: NaN, usPerOp: NaN, errors: NaN }
      for (const s of SCENARIOS) byScenario.get(s)!.push({ ab: a.get(s) ?? none, streams: f.get(s) ?? none, handle: h.get(s) ?? none })
    } finally {
      for (const s of [ab, streams, handle]) await stop(s.child)
    }
  }
  console.log("scenario      ab_server µs/op   streams floor µs/op   handle floor µs/op   streams/ab   handle/ab   errors   (medians of rounds)")
  for (const [s, xs] of byScenario) {
    const m = (f: (x: { ab: Figure; streams: Figure; handle: Figure }) => number) => median(xs.map(f))
    const errors = xs.reduce((n, x) => n + x.ab.errors + x.streams.errors + x.handle.errors, 0)
    console.log(`${s.padEnd(13)} ${m((x) => x.ab.usPerOp).toFixed(2).padStart(15)} ${m((x) => x.streams.usPerOp).toFixed(2).padStart(21)} ${m((x) => x.handle.usPerOp).toFixed(2).padStart(20)} ${m((x) => x.streams.usPerOp / x.ab.usPerOp).toFixed(2).padStart(11)}× ${m((x) => x.handle.usPerOp / x.ab.usPerOp).toFixed(2).padStart(10)}× ${String(errors).padStart(8)}`)
  }
  console.log(`load average at the end: ${load()}`)
}
main().catch((e) => { console.error(e); process.exit(1) })
