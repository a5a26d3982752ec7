/**
 * The protocol work of one lock-step request, without the socket: libplctag's own frames (captured
 * from plctag_bench v2.5.5 on the wire: RegisterSession, Large Forward Open, then the steady-state
 * SendUnitData of the sync-read, packed16 and big-read scenarios of ../shared/tools/libplctag)
 * through a session's encapsulation handler over a controller, as the server builds them (with
 * per-service stats). CPU time per frame, best of ROUNDS, so that a shared machine inflates the
 * figures less than the wall clock does; the sequence count changes every frame, so each one runs
 * (no retransmission-cache hit). Bounded: ~2 s per round.
 *
 *   npm run bench -- frames [--rounds 5] [--only sync-read|packed16|big-read]
 */
import { Effect } from "effect"
import { makeController } from "../../src/device/controller.js"
import { makeEncapsulationHandler } from "../../src/server/encapsulation.js"
import { ControllerStats } from "../../src/server/stats.js"
import { makeTagStore } from "../../src/tags/tagStore.js"

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex")
const REGISTER = hex("65000400 01000000 00000000 0000000000000000 00000000 01000000")
const LARGE_FORWARD_OPEN = hex(
  "6f004400 01000000 00000000 1bd5db7b00000000 00000000 00000000 0100 0200 0000 0000 b200 3400" +
  "5b02200624010a05000000003537f173075c3df3454350210100000040420f00a20f004240420f00a20f0042a303010020022401"
)
/** SendUnitData frames (connection id and sequence patched in): CPF from offset 24, CIP at 46. */
const sud = (cip: string) => {
  const c = hex(cip)
  const f = Buffer.alloc(46 + c.length)
  f.writeUInt16LE(0x70, 0)
  f.writeUInt16LE(f.length - 24, 2)
  f.writeUInt32LE(1, 4)
  hex("00000000 0000 0200 a100 0400 00000000 b100").copy(f, 24)
  f.writeUInt16LE(2 + c.length, 42)
  c.copy(f, 46)
  return f
}
/** Read Tag Fragmented DINTS[i], one element, offset 0 (18 bytes). */
const readDints = (i: number) => `5205910544494e545300 28${i.toString(16).padStart(2, "0")} 0100 00000000`
/** A little-endian UINT in hex. */
const le16 = (n: number) => Buffer.from([n & 0xff, n >> 8]).toString("hex")
const SCENARIOS: ReadonlyArray<readonly [string, Buffer, number]> = [
  ["sync-read: Read Tag Fragmented DINTS[0]", sud(readDints(0)), 1],
  ["packed16: Multiple Service Packet of 16 such reads", sud(
    "0a 02 20022401 1000" + Array.from({ length: 16 }, (_, i) => le16(34 + 18 * i)).join("") + Array.from({ length: 16 }, (_, i) => readDints(i)).join("")
  ), 16],
  ["big-read: Read Tag Fragmented SCADA, 1000 INTs", sud("52049105534341444100e80300000000"), 1]
]

const args = process.argv.slice(2)
const ri = args.indexOf("--rounds")
const rounds = ri >= 0 ? Math.max(1, Number(args[ri + 1])) : 5
const oi = args.indexOf("--only")
const only = oi >= 0 ? args[oi + 1] ?? "" : ""

const store = Effect.runSync(makeTagStore(["DINTS=DINT[100]", "SCADA=INT[1000]"]))
const controller = makeController(store)
const handler = makeEncapsulationHandler({
  endpoint: { ...controller },
  newSessionHandle: () => 1,
  local: { address: "127.0.0.1", port: 44818 },
  peer: "127.0.0.1",
  stats: new ControllerStats()
})
handler.frame(REGISTER)
const opened = handler.frame(LARGE_FORWARD_OPEN) as Uint8Array
if (!(opened instanceof Uint8Array) || opened[40] !== 0xdb || opened[42] !== 0) throw new Error("Forward Open refused")
const otId = Buffer.from(opened).readUInt32LE(44)

const cpuUs = () => { const u = process.cpuUsage(); return u.user + u.system }
console.log(`libplctag frames through the session handler (no socket), CPU µs per frame, best of ${rounds}`)
for (const [name, frame, ops] of SCENARIOS.filter(([name]) => name.startsWith(only))) {
  frame.writeUInt32LE(otId, 36)
  let seq = 0
  const once = () => {
    frame.writeUInt16LE((seq = (seq + 1) & 0xffff), 44)
    const reply = handler.frame(frame)
    if (!(reply instanceof Uint8Array) || reply[48] !== 0) throw new Error(`${name}: no reply or an error reply`)
  }
  for (let i = 0; i < 20000; i++) once()
  let best = Infinity
  for (let r = 0; r < rounds; r++) {
    const n = 200000 / ops
    const t0 = cpuUs()
    for (let i = 0; i < n; i++) once()
    best = Math.min(best, (cpuUs() - t0) / n)
  }
  console.log(`${name.padEnd(52)} ${best.toFixed(3).padStart(7)} µs/frame  ${(best / ops).toFixed(3).padStart(7)} µs/tag operation`)
}
