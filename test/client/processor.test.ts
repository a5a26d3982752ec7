import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { ClientError } from "../../src/client/errors.js"
import { parseOperations } from "../../src/client/operations.js"
import { runOperations, type ProcessorOptions, type ProcessorStats } from "../../src/client/processor.js"
import { RequestTable } from "../../src/client/requestTable.js"
import type { OperationResult } from "../../src/client/results.js"
import { makeFakeDevice, makeQueuedSender } from "./fakeDevice.js"

const ops = (...s: Array<string>) => Either.getOrThrow(parseOperations(s))
const defaults: ProcessorOptions = { depth: 1, multiple: 0, fragment: false, maxRequest: 500 }

const run = (sender: { send: Parameters<typeof runOperations>[1] }, operations: ReturnType<typeof ops>, options: Partial<ProcessorOptions>) => {
  const results: Array<OperationResult> = []
  let stats: ProcessorStats | undefined
  runOperations(operations, sender.send, { ...defaults, ...options }, (r) => results.push(r), (s) => { stats = s })
  return { results, get stats() { return stats } }
}

describe("pipelining engine (fake transport)", () => {
  it("keeps at most `depth` requests in flight and yields results in order when replies come reversed", () => {
    const dev = makeFakeDevice({ SCADA: { type: "INT", values: Array.from({ length: 100 }, (_, i) => i * 10) } })
    const sender = makeQueuedSender(dev.answer)
    const list = ops(...Array.from({ length: 40 }, (_, i) => `SCADA[${i}]`))
    const out = run(sender, list, { depth: 8 })
    expect(sender.queue.length).toBe(8)
    sender.drainReversed()
    expect(sender.maxInFlight).toBe(8)
    expect(out.results.map((r) => r.index)).toEqual(list.map((_, i) => i))
    expect(out.results.map((r) => r.values?.[0])).toEqual(list.map((_, i) => i * 10))
    expect(out.stats).toEqual({ requests: 40, failures: 0 })
  })

  it("writes then reads back, counting failures without stopping", () => {
    const dev = makeFakeDevice({ T: { type: "DINT", values: [0, 0, 0, 0] } })
    const sender = makeQueuedSender(dev.answer)
    const out = run(sender, ops("T[1-2]=(DINT)7,8", "Nope", "T[0-3]", "T[9]"), { depth: 4 })
    sender.drainInOrder()
    expect(out.results.map((r) => [r.ok, r.status])).toEqual([[true, 0], [false, 5], [true, 0], [false, 0xff]])
    expect(out.results[2]!.values).toEqual([0, 7, 8, 0])
    expect(out.results[3]!.extStatus).toEqual([0x2105])
    expect(out.stats!.failures).toBe(2)
  })

  it("packs consecutive operations into Multiple Service Packets by size, embedded errors per operation", () => {
    const dev = makeFakeDevice({ A: { type: "INT", values: Array(50).fill(1) } })
    const sender = makeQueuedSender(dev.answer)
    const list = ops(...Array.from({ length: 40 }, (_, i) => (i === 5 ? "Missing" : `A[${i}]`)))
    const out = run(sender, list, { depth: 2, multiple: 200 })
    sender.drainReversed()
    const packets = sender.sent.filter((r) => r._tag === "MultipleServicePacket")
    expect(packets.length).toBeGreaterThan(1)
    for (const p of packets) if (p._tag === "MultipleServicePacket") expect(p.requests.length).toBe(13) // replies (est. 14 bytes each + 6) bound it: 6 + 13·14 ≤ 200
    expect(sender.sent.length).toBeLessThan(10)
    expect(out.results.length).toBe(40)
    expect(out.results.filter((r) => !r.ok).map((r) => [r.index, r.status])).toEqual([[5, 5]])
  })

  it("a 0x06 partial read continues with Read Tag Fragmented at the next offset", () => {
    const dev = makeFakeDevice({ BIG: { type: "DINT", values: Array.from({ length: 300 }, (_, i) => i) } }, 400)
    const sender = makeQueuedSender(dev.answer)
    const out = run(sender, ops("BIG[0-299]"), {})
    sender.drainInOrder()
    expect(out.results[0]!.values).toEqual(Array.from({ length: 300 }, (_, i) => i))
    expect(sender.sent.map((r) => r._tag === "ReadTagFragmented" ? `F${r.offset}` : r._tag)).toEqual(["ReadTag", "F400", "F800"])
  })

  it("a write too large for one request goes out as Write Tag Fragmented chunks; -f forces fragmented", () => {
    const dev = makeFakeDevice({ BIG: { type: "DINT", values: Array(300).fill(0) } })
    const sender = makeQueuedSender(dev.answer)
    const values = Array.from({ length: 300 }, (_, i) => i * 3)
    const out = run(sender, ops(`BIG[0-299]=(DINT)${values.join(",")}`, "BIG[1]"), { fragment: true, maxRequest: 500 })
    sender.drainInOrder()
    expect(out.results.every((r) => r.ok)).toBe(true)
    expect(dev.tags.BIG!.values).toEqual(values)
    const frags = sender.sent.filter((r) => r._tag === "WriteTagFragmented")
    expect(frags.length).toBe(3)
    expect(sender.sent[sender.sent.length - 1]!._tag).toBe("ReadTagFragmented")
  })

  it("timeouts and a lost connection fail the pending requests; nothing hangs", () => {
    const table = new RequestTable<import("../../src/cip/model.js").CipReply>(2 ** 16)
    let now = 0
    const send: Parameters<typeof runOperations>[1] = (_req, done) => { table.add(table.allocate(), now + 100, done) }
    const results: Array<OperationResult> = []
    let ended = false
    runOperations(ops("A", "B", "C", "D", "E"), send, { ...defaults, depth: 2 }, (r) => results.push(r), () => { ended = true })
    expect(table.size).toBe(2)
    now = 100
    table.expire(now)
    expect(results.map((r) => r.error?.reason)).toEqual(["Timeout", "Timeout"])
    table.close(new ClientError({ reason: "Closed", message: "connection closed" }))
    expect(ended).toBe(true)
    expect(results.map((r) => r.error?.reason)).toEqual(["Timeout", "Timeout", "Closed", "Closed", "Closed"])
  })

  it("request table: keys skip pending ones, late replies are ignored", () => {
    const t = new RequestTable<number>(4)
    const seen: Array<unknown> = []
    const k1 = t.allocate(); t.add(k1, 10, (r) => seen.push(r))
    const k2 = t.allocate(); t.add(k2, 10, (r) => seen.push(r))
    const k3 = t.allocate(); t.add(k3, 10, (r) => seen.push(r))
    expect([k1, k2, k3]).toEqual([1, 2, 3])
    expect(t.complete(k2, Either.right(42))).toBe(true)
    expect(t.allocate()).toBe(2)
    expect(t.complete(k2, Either.right(43))).toBe(false)
    expect(seen).toEqual([Either.right(42)])
  })
})

describe("packing fallbacks", () => {
  it("a packet refused as too large (0x11) is retried one operation at a time", () => {
    const dev = makeFakeDevice({ L: { type: "LREAL", values: Array.from({ length: 60 }, (_, i) => i / 2) } })
    const answer = (r: Parameters<typeof dev.answer>[0]) =>
      r._tag === "MultipleServicePacket" && r.requests.length > 2
        ? { _tag: "Error" as const, service: 0x8a, status: 0x11, extStatus: [], data: new Uint8Array(0) }
        : dev.answer(r)
    const sender = makeQueuedSender(answer)
    const out = run(sender, ops("L[0-19]", "L[20-39]", "L[40-59]", "L[0]"), { depth: 2, multiple: 500 })
    sender.drainInOrder()
    expect(out.results.map((r) => r.ok)).toEqual([true, true, true, true])
    expect(out.results[1]!.values).toEqual(Array.from({ length: 20 }, (_, i) => (i + 20) / 2))
    expect(sender.sent.map((r) => r._tag)).toEqual(["MultipleServicePacket", "ReadTag", "ReadTag", "ReadTag", "ReadTag"])
  })
})
