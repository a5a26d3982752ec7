/**
 * Codec benchmark: decode and encode rates of
 *   (a) a Read Tag request / reply pair inside SendRRData + Unconnected Send,
 *   (b) a 16-request Multiple Service Packet (request and reply),
 *   (c) a 2000-byte Read Tag Fragmented reply,
 * plus bare simple-request decodes (target ≥ 1,000,000/s on one core). Each rate is also given as a
 * ratio to a baseline measured in this process: copying the same bytes (`Uint8Array.prototype.slice`).
 * Rates are per CPU-second of this process (robust to other load). Bounded: ~0.4 s per measurement
 * (BENCH_MS to change), ~11 s in all.
 */
import { cpus, loadavg } from "node:os"
import { Either } from "effect"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { decodeReply, encodeReply } from "../../src/cip/reply.js"
import { decodeRequest, encodeRequest } from "../../src/cip/request.js"
import { CipType } from "../../src/cip/types.js"
import { decodeFrame, encodeFrame } from "../../src/enip/frame.js"
import type { EnipFrame } from "../../src/enip/model.js"

const MS = Number(process.env.BENCH_MS ?? 400)

/**
 * Runs `f` repeatedly for ~MS ms of wall time (after a warm-up) and returns operations per second
 * of this process's CPU time (user + system), which stays meaningful on a loaded machine.
 */
const rate = (f: () => unknown): number => {
  for (let i = 0; i < 20_000; i++) f()
  let n = 0
  const start = process.hrtime.bigint()
  const cpu0 = process.cpuUsage()
  const limit = BigInt(MS) * 1_000_000n
  while (process.hrtime.bigint() - start < limit) {
    for (let i = 0; i < 1000; i++) f()
    n += 1000
  }
  const cpu = process.cpuUsage(cpu0)
  return n / ((cpu.user + cpu.system) / 1e6)
}

const sink: Array<unknown> = []
const keep = (x: unknown) => { if (sink.length > 16) sink.length = 0; sink.push(x) }

const header = { sessionHandle: 0x12345678, status: 0, senderContext: new Uint8Array(8), options: 0 }
const frameOf = (data: Uint8Array): Uint8Array =>
  encodeFrame({ header, body: { _tag: "SendRRData", interfaceHandle: 0, timeout: 8, items: [{ _tag: "NullAddress" }, { _tag: "UnconnectedData", data }] } })

const cm = [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }] as const
const wrap = (request: CipRequest): CipRequest =>
  ({ _tag: "UnconnectedSend", path: cm, priorityTimeTick: 5, timeoutTicks: 157, request, routePath: [{ _tag: "Port", port: 1, link: 0 }] })
const readTag = (name: string, i: number): CipRequest =>
  ({ _tag: "ReadTag", path: [{ _tag: "Symbolic", name }, { _tag: "Element", index: i }], elements: 10 })
const intReply = (svc: number, n: number): CipReply =>
  ({ _tag: svc === 0xd2 ? "ReadTagFragmented" : "ReadTag", service: svc, status: 0, extStatus: [], type: { code: CipType.INT }, data: new Uint8Array(n) })

const cipOf = (f: EnipFrame): Uint8Array => {
  if (f.body._tag !== "SendRRData") throw new Error("not SendRRData")
  const item = f.body.items[1]!
  if (item._tag !== "UnconnectedData") throw new Error("no 0xB2 item")
  return item.data
}

/** Decode a whole frame and its CIP payload (request, or reply in light of `request`). */
function decodeAll(bytes: Uint8Array): CipRequest
function decodeAll(bytes: Uint8Array, request: CipRequest): CipReply
function decodeAll(bytes: Uint8Array, request?: CipRequest): CipRequest | CipReply {
  const f = decodeFrame(bytes)
  if (Either.isLeft(f)) throw f.left
  const cip = cipOf(f.right)
  if (request === undefined) return Either.getOrThrow(decodeRequest(cip))
  return Either.getOrThrow(decodeReply(cip, request))
}

const cases: Array<{ name: string; request: CipRequest; reply: CipReply }> = [
  { name: "(a) Read Tag in Unconnected Send", request: wrap(readTag("SCADA", 3)), reply: intReply(0xcc, 20) },
  (() => {
    const requests = Array.from({ length: 16 }, (_, i) => readTag(`Tag_${i}`, i))
    return {
      name: "(b) 16-request Multiple Service Packet",
      request: wrap({ _tag: "MultipleServicePacket", path: [{ _tag: "Class", id: 2 }, { _tag: "Instance", id: 1 }], requests }),
      reply: { _tag: "MultipleServicePacket", service: 0x8a, status: 0, extStatus: [], replies: requests.map(() => intReply(0xcc, 20)) }
    }
  })(),
  {
    name: "(c) 2000-byte Read Tag Fragmented reply",
    request: wrap({ _tag: "ReadTagFragmented", path: [{ _tag: "Symbolic", name: "BIG" }], elements: 1000, offset: 0 }),
    reply: intReply(0xd2, 2000)
  }
]

const fmt = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 0 })
const mb = (perSec: number, size: number) => ((perSec * size) / 1e6).toFixed(1)

console.log(`codec benchmark (node ${process.version}, ${MS} ms per measurement, rates per CPU-second; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs)`)
const rows: Array<Array<string>> = [["case", "bytes", "ops/s", "MB/s", "× copy baseline"]]
for (const c of cases) {
  const reqFrame = frameOf(encodeRequest(c.request))
  const repFrame = frameOf(encodeReply(c.reply))
  const decoded = decodeAll(reqFrame)
  const decodedRep = decodeAll(repFrame, decoded)
  for (const [label, bytes, f] of [
    ["decode request frame", reqFrame, () => keep(decodeAll(reqFrame))],
    ["encode request frame", reqFrame, () => keep(frameOf(encodeRequest(decoded)))],
    ["decode reply frame", repFrame, () => keep(decodeAll(repFrame, decoded))],
    ["encode reply frame", repFrame, () => keep(frameOf(encodeReply(decodedRep)))]
  ] as const) {
    const r = rate(f)
    const base = rate(() => keep(bytes.slice()))
    rows.push([`${c.name}: ${label}`, String(bytes.length), fmt(r), mb(r, bytes.length), (r / base).toFixed(3)])
  }
}

// The simple request decode the target refers to: a bare Read Tag request (CIP level, no frame).
const simple = encodeRequest(readTag("SCADA", 3))
const simpleRate = rate(() => keep(decodeRequest(simple)))
const simpleBase = rate(() => keep(simple.slice()))
rows.push(["simple Read Tag request decode (bare CIP)", String(simple.length), fmt(simpleRate), mb(simpleRate, simple.length), (simpleRate / simpleBase).toFixed(3)])

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "))
console.log(`target ≥ 1,000,000 simple request decodes/s: ${simpleRate >= 1_000_000 ? "met" : "NOT met"} (${fmt(simpleRate)}/s)`)
