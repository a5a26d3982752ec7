/**
 * The processor's packing arithmetic and Multiple Service Packet outcomes (src/client/processor.ts),
 * over a queued fake transport: the encoded size of each request, where a packet is cut at the
 * byte limit (exactly at it, by the request or by the estimated reply side), packets kept within
 * the depth, and what each kind of packet reply (refused, too large, a transport failure, a reply
 * of another shape) does to the operations it carried. No socket.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { ClientError } from "../../src/client/errors.js"
import { parseOperations } from "../../src/client/operations.js"
import { requestSize, runOperations, type ProcessorOptions, type ProcessorStats } from "../../src/client/processor.js"
import type { OperationResult } from "../../src/client/results.js"
import { makeFakeDevice, makeQueuedSender } from "./fakeDevice.js"

const ops = (...s: Array<string>) => Either.getOrThrow(parseOperations(s))
const run = (send: Parameters<typeof runOperations>[1], list: ReturnType<typeof ops>, options: Partial<ProcessorOptions>) => {
  const results: Array<OperationResult> = []
  const ends: Array<ProcessorStats> = []
  const stop = runOperations(list, send, { depth: 1, multiple: 0, fragment: false, maxRequest: 500, ...options }, (r) => results.push(r), (s) => ends.push(s))
  return { results, ends, stop }
}
const D = { _tag: "Symbolic", name: "D" } as const // 0x91 0x01 'D' pad: 4 bytes
const sizes = (sent: ReadonlyArray<CipRequest>) => sent.map((q) => (q._tag === "MultipleServicePacket" ? q.requests.length : 1))

describe("request sizes", () => {
  it("service and path size, then what each service carries", () => {
    expect(requestSize({ _tag: "ReadTag", path: [D], elements: 1 })).toBe(2 + 4 + 2)
    expect(requestSize({ _tag: "ReadTagFragmented", path: [D], elements: 1, offset: 0 })).toBe(2 + 4 + 6)
    expect(requestSize({ _tag: "WriteTag", path: [D], type: { code: 0xc4 }, elements: 1, data: new Uint8Array(4) })).toBe(2 + 4 + 2 + 2 + 4)
    expect(requestSize({ _tag: "WriteTag", path: [D], type: { code: 0x2a0, handle: 0x0fce }, elements: 1, data: new Uint8Array(88) })).toBe(2 + 4 + 4 + 2 + 88)
    expect(requestSize({ _tag: "WriteTagFragmented", path: [D], type: { code: 0xc3 }, elements: 4, offset: 2, data: new Uint8Array(6) })).toBe(2 + 4 + 2 + 6 + 6)
    const attr = [{ _tag: "Class", id: 1 }, { _tag: "Instance", id: 1 }, { _tag: "Attribute", id: 7 }] as const
    expect(requestSize({ _tag: "SetAttributeSingle", path: [...attr], data: new Uint8Array(3) })).toBe(2 + 6 + 3)
    expect(requestSize({ _tag: "GetAttributeSingle", path: [...attr] })).toBe(2 + 6 + 16)
  })
})

describe("Multiple Service Packets", () => {
  const tags = () => makeFakeDevice({ D: { type: "DINT", values: [1] } })

  it("reads are cut by their estimated replies: 6 + 6 × 14 bytes fit a 90-byte limit exactly, 89 takes 5", () => {
    for (const [limit, expected] of [[90, [6, 6, 1]], [89, [5, 5, 3]]] as const) {
      const sender = makeQueuedSender(tags().answer)
      const out = run(sender.send, ops(...Array(13).fill("D")), { depth: 4, multiple: limit })
      sender.drainInOrder()
      expect(sizes(sender.sent)).toEqual(expected)
      expect(sender.sent.at(-1)!._tag).toBe(expected.at(-1) === 1 ? "ReadTag" : "MultipleServicePacket") // a group of one goes alone
      expect(out.results.map((r) => r.values)).toEqual(Array(13).fill([1]))
      expect(out.ends).toEqual([{ requests: expected.length, failures: 0 }])
    }
  })

  it("writes are cut by their requests: 8 + 5 × 16 bytes fit an 88-byte limit exactly, 87 takes 4", () => {
    for (const [limit, expected] of [[88, [5, 1]], [87, [4, 2]]] as const) {
      const sender = makeQueuedSender(tags().answer)
      run(sender.send, ops(...Array(6).fill("D=(DINT)2")), { depth: 4, multiple: limit })
      sender.drainInOrder()
      expect(sizes(sender.sent)).toEqual(expected)
    }
  })

  it("an operation larger than the limit still goes, alone; packets stay within the depth", () => {
    const sender = makeQueuedSender(tags().answer)
    run(sender.send, ops("D", "D", "D", "D", "D", "D"), { depth: 1, multiple: 10 })
    expect(sender.queue.length).toBe(1)
    sender.drainInOrder()
    expect(sizes(sender.sent)).toEqual([1, 1, 1, 1, 1, 1])
    const two = makeQueuedSender(tags().answer)
    run(two.send, ops(...Array(12).fill("D")), { depth: 2, multiple: 34 }) // 6 + 2 × 14 = 34: pairs
    expect(two.queue.length).toBe(2)
    expect(sizes(two.queue.map((q) => q.request))).toEqual([2, 2])
    two.drainInOrder()
    expect(two.maxInFlight).toBe(2)
    expect(sizes(two.sent)).toEqual([2, 2, 2, 2, 2, 2])
  })

  it("a packet refused (0x11, or 0x1B: routing response too large) is re-sent one operation at a time; another refusal fails each", () => {
    for (const status of [0x11, 0x1b]) {
      const dev = tags()
      let refused = false
      const sender = makeQueuedSender((r): CipReply => {
        if (r._tag === "MultipleServicePacket" && !refused) { refused = true; return { _tag: "Error", service: 0x8a, status, extStatus: [], data: new Uint8Array(0) } }
        return dev.answer(r)
      })
      const out = run(sender.send, ops("D", "D", "D"), { depth: 1, multiple: 500 })
      sender.drainInOrder()
      expect(sender.sent.map((s) => s._tag)).toEqual(["MultipleServicePacket", "ReadTag", "ReadTag", "ReadTag"])
      expect(out.results.map((r) => r.ok)).toEqual([true, true, true])
    }
    const sender = makeQueuedSender((): CipReply => ({ _tag: "Error", service: 0x8a, status: 0x08, extStatus: [0x0001], data: new Uint8Array(0) }))
    const out = run(sender.send, ops("D", "D"), { multiple: 500 })
    sender.drainInOrder()
    expect(out.results.map((r) => [r.ok, r.status, r.extStatus])).toEqual([[false, 8, [1]], [false, 8, [1]]])
    expect(out.ends).toEqual([{ requests: 1, failures: 2 }])
  })

  it("a success of another shape, or with too few replies, is an invalid reply (0x22) for each operation", () => {
    const shapes: Array<(r: CipRequest) => CipReply> = [
      () => ({ _tag: "Generic", service: 0x8a, status: 0, extStatus: [], data: new Uint8Array(0) }),
      () => ({ _tag: "MultipleServicePacket", service: 0x8a, status: 0, extStatus: [], replies: [] })
    ]
    for (const answer of shapes) {
      const sender = makeQueuedSender(answer)
      const out = run(sender.send, ops("D", "D"), { multiple: 500 })
      sender.drainInOrder()
      expect(out.results.map((r) => [r.index, r.ok, r.status])).toEqual([[0, false, 0x22], [1, false, 0x22]])
    }
  })

  it("a transport failure fails every operation of the packet with the error (status -1)", () => {
    const error = new ClientError({ reason: "Closed", message: "connection closed by the server" })
    const out = run((_r, done) => done(Either.left(error)), ops("D", "D", "D"), { multiple: 500, depth: 2 })
    expect(out.results.map((r) => [r.ok, r.status, r.extStatus, r.error])).toEqual(Array(3).fill([false, -1, [], error]))
    expect(out.ends).toEqual([{ requests: 1, failures: 3 }]) // one packet carried all three
  })
})

describe("stopping", () => {
  it("stop issues nothing more; the end comes once, when what is in flight has come back", () => {
    const sender = makeQueuedSender(makeFakeDevice({ D: { type: "DINT", values: [1] } }).answer)
    const out = run(sender.send, ops("D", "D", "D", "D", "D"), { depth: 2 })
    expect(sender.queue.length).toBe(2)
    out.stop()
    expect(out.ends).toEqual([])
    sender.queue.shift()!.done(Either.right({ _tag: "ReadTag", service: 0xcc, status: 0, extStatus: [], type: { code: 0xc4 }, data: Uint8Array.from([1, 0, 0, 0]) }))
    expect(out.ends).toEqual([])
    expect(sender.sent).toHaveLength(2) // nothing new issued after stop
    sender.drainInOrder()
    expect(out.ends).toEqual([{ requests: 2, failures: 0 }])
    expect(out.results).toHaveLength(2)
    out.stop()
    expect(out.ends).toHaveLength(1)
  })
})

describe("a transport that answers at once", () => {
  it("replies completed inside send do not nest: 2,000 operations finish in order without deep recursion", () => {
    const dev = makeFakeDevice({ D: { type: "DINT", values: [3] } })
    let depth = 0
    let deepest = 0
    const out = run((req, done) => {
      depth++
      deepest = Math.max(deepest, depth)
      done(Either.right(dev.answer(req)))
      depth--
    }, ops(...Array(2_000).fill("D")), { depth: 4 })
    expect(out.results).toHaveLength(2_000)
    expect(out.results.every((r, i) => r.index === i && r.values?.[0] === 3)).toBe(true)
    expect(out.ends).toEqual([{ requests: 2_000, failures: 0 }])
    expect(deepest).toBe(1) // each send returns before the next is issued
  })
})
