/**
 * The Client service's options and choices (src/client/client.ts) over a fake session, no socket:
 * how `multiple`, `depth` and `fragment` reach the requests, which writes read the tag's type
 * first (and with which request), the defaults for untyped values, raw attribute reads, and the
 * counts processAll returns.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Stream } from "effect"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { makeClientService, OperationFailed, parseOperationsEffect } from "../../src/client/client.js"
import { ClientError } from "../../src/client/errors.js"
import { parseOperations } from "../../src/client/operations.js"
import type { Completion } from "../../src/client/requestTable.js"
import type { Session } from "../../src/client/session.js"
import { makeFakeDevice } from "./fakeDevice.js"

/** A session whose replies come later, when the test releases them (so depth can be watched). */
const heldSession = (answer: (r: CipRequest) => CipReply, maxRequest = 500) => {
  const sent: Array<CipRequest> = []
  let inFlight = 0
  let maxInFlight = 0
  const session: Session = {
    send: (req: CipRequest, done: Completion<CipReply>) => {
      sent.push(req)
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      setImmediate(() => { inFlight--; done(Either.right(answer(req))) })
    },
    request: () => Effect.die("unused"),
    command: () => Effect.die("unused"),
    maxRequest,
    sessionHandle: 1,
    connection: undefined
  }
  return { session, sent, maxInFlight: () => maxInFlight }
}
const ops = (...s: Array<string>) => Either.getOrThrow(parseOperations(s))
const tags = () => ({ D: { type: "DINT" as const, values: [0, 0, 0, 0] }, R: { type: "REAL" as const, values: [0, 0] }, B: { type: "SINT" as const, values: [0] } })

describe("Client service options", () => {
  it.effect("depth 1 by default; multiple true packs up to the session's limit, a number up to the smaller of both", () =>
    Effect.gen(function* () {
      const dev = makeFakeDevice(tags())
      const one = heldSession(dev.answer)
      const client = makeClientService(one.session)
      const r = yield* client.processAll(ops("D[0]", "D[1]", "D[2]", "Nope"))
      expect(r).toMatchObject({ failures: 1, requests: 4 })
      expect(r.transactions.map((t) => t.ok)).toEqual([true, true, true, false])
      expect(one.maxInFlight()).toBe(1)
      expect(one.sent.every((s) => s._tag === "ReadTag")).toBe(true)

      const many = Array.from({ length: 60 }, (_, i) => `D[${i % 4}]`)
      const packed = heldSession(dev.answer, 200)
      const p = yield* makeClientService(packed.session).processAll(ops(...many), { multiple: true })
      expect(p.failures).toBe(0)
      const sizes = (s: Array<CipRequest>) => s.map((q) => (q._tag === "MultipleServicePacket" ? q.requests.length : 1))
      const atLimit = sizes(packed.sent)
      expect(atLimit.length).toBeGreaterThan(1) // 200 bytes hold fewer than 60 reads
      const smaller = heldSession(dev.answer, 200)
      yield* makeClientService(smaller.session).processAll(ops(...many), { multiple: 100 })
      expect(smaller.sent.length).toBeGreaterThan(atLimit.length) // 100 bytes: more, smaller packets
      const larger = heldSession(dev.answer, 200)
      yield* makeClientService(larger.session).processAll(ops(...many), { multiple: 10_000 })
      expect(sizes(larger.sent)).toEqual(atLimit) // capped by the session
      const off = heldSession(dev.answer)
      yield* makeClientService(off.session).processAll(ops("D[0]", "D[1]"), { multiple: false, depth: 2, fragment: true })
      expect(off.sent.map((s) => s._tag)).toEqual(["ReadTagFragmented", "ReadTagFragmented"])
      expect(off.maxInFlight()).toBe(2)
    }))

  it.effect("write: a typed write or a bit sends at once; otherwise one element of the tag is read first for its type", () =>
    Effect.gen(function* () {
      const dev = makeFakeDevice(tags())
      const h = heldSession(dev.answer)
      const client = makeClientService(h.session)
      yield* client.write("D[1-2]", [5, 6])
      expect(h.sent.map((s) => s._tag)).toEqual(["ReadTag", "WriteTag"])
      expect(h.sent[0]).toMatchObject({ elements: 1 }) // the probe reads one element, not the range
      expect(h.sent[1]).toMatchObject({ type: { code: 0xc4 }, elements: 2 })
      h.sent.length = 0
      yield* client.write("R[0]", [1.5], "REAL")
      expect(h.sent.map((s) => s._tag)).toEqual(["WriteTag"])
      expect(dev.tags.R.values[0]).toBe(1.5)
      h.sent.length = 0
      yield* Effect.either(client.write("D[0].3", [1]))
      // No type probe: the bit's own read, then its Read-Modify-Write (refused by the fake device).
      expect(h.sent.map((s) => s._tag)).toEqual(["ReadTag", "ReadModifyWriteTag"])
      h.sent.length = 0
      // A write at a byte offset probes without the offset (a plain Read Tag).
      yield* client.write("D[0-3]+4", [9])
      expect(h.sent[0]).toMatchObject({ _tag: "ReadTag", elements: 1 })
      expect(dev.tags.D.values).toEqual([0, 9, 6, 0])
    }))

  it.effect("attribute writes are never probed: untyped integers go as INT, fractions as REAL; failures are typed", () =>
    Effect.gen(function* () {
      const sets: Array<Uint8Array> = []
      const dev = makeFakeDevice(tags())
      const answer = (r: CipRequest): CipReply =>
        r._tag === "SetAttributeSingle"
          ? (sets.push(r.data), { _tag: "SetAttributeSingle", service: 0x90, status: 0, extStatus: [] })
          : r._tag === "GetAttributeSingle"
            ? { _tag: "GetAttributeSingle", service: 0x8e, status: 0, extStatus: [], data: Uint8Array.from([1, 0]) }
            : dev.answer(r)
      const h = heldSession(answer)
      const client = makeClientService(h.session)
      yield* client.write("@1/1/7", [3])
      yield* client.write("@1/1/7", [1.5])
      expect(h.sent.map((s) => s._tag)).toEqual(["SetAttributeSingle", "SetAttributeSingle"])
      expect(sets).toEqual([Uint8Array.from([3, 0]), Uint8Array.from([0, 0, 0xc0, 0x3f])])
      expect(yield* client.read("@1/1/1")).toEqual(Uint8Array.from([1, 0]))
      const e = yield* Effect.flip(client.write("Nope", [1], "INT"))
      expect(e._tag).toBe("OperationFailed")
      expect(e._tag === "OperationFailed" && e.result.status).toBe(5)
      const probe = yield* Effect.flip(client.write("Nope", [1]))
      expect(probe._tag === "OperationFailed" && probe.result.operation.method).toBe("read") // the type probe failed
    }))

  it.effect("readMany packs by default and takes options; parseOperationsEffect fails with the parse error", () =>
    Effect.gen(function* () {
      const dev = makeFakeDevice(tags())
      const h = heldSession(dev.answer)
      const client = makeClientService(h.session)
      yield* client.readMany(["D[0]", "D[1]"])
      expect(h.sent.map((s) => s._tag)).toEqual(["MultipleServicePacket"])
      h.sent.length = 0
      yield* client.readMany(["D[0]", "D[1]"], { multiple: false })
      expect(h.sent.map((s) => s._tag)).toEqual(["ReadTag", "ReadTag"])
      expect((yield* parseOperationsEffect(["D[0]", "D[1]=(DINT)1"])).map((o) => o.method)).toEqual(["read", "write"])
      expect((yield* Effect.flip(parseOperationsEffect(["D[0]", "[x"])))._tag).toBe("OperationParseError")
      expect((yield* Effect.flip(client.readMany(["[x"])))._tag).toBe("OperationParseError")
    }))
})

describe("Client service choices", () => {
  it("OperationFailed's message: the transport error when there was one, else the CIP status", () => {
    const result = { index: 0, operation: ops("D[0]")[0]!, ok: false, status: -1, extStatus: [] }
    expect(new OperationFailed({ result: { ...result, error: new ClientError({ reason: "Closed", message: "connection closed by the server" }) } }).message)
      .toBe("connection closed by the server")
    expect(new OperationFailed({ result: { ...result, status: 5, extStatus: [] } }).message).toBe("Status 5 (path destination unknown)")
  })

  it.effect("a whole tag written without a type is probed too (one element read first); untyped attribute values: REAL when any is a fraction", () =>
    Effect.gen(function* () {
      const dev = makeFakeDevice(tags())
      const sets: Array<Uint8Array> = []
      const h = heldSession((r) => r._tag === "SetAttributeSingle"
        ? (sets.push(r.data), { _tag: "SetAttributeSingle", service: 0x90, status: 0, extStatus: [] })
        : dev.answer(r))
      const client = makeClientService(h.session)
      yield* client.write("B", [7])
      expect(h.sent.map((s) => s._tag)).toEqual(["ReadTag", "WriteTag"])
      expect(h.sent[1]).toMatchObject({ type: { code: 0xc2 } }) // SINT, the tag's own type
      expect(yield* client.read("B")).toEqual([7])
      yield* client.write("@1/1/7", [2, 1.5])
      expect(sets.at(-1)).toEqual(Uint8Array.from([0, 0, 0, 0x40, 0, 0, 0xc0, 0x3f])) // 2.0, 1.5 as REALs
    }))

  it.effect("process: the stream ends after the last result", () =>
    Effect.gen(function* () {
      const dev = makeFakeDevice(tags())
      const client = makeClientService(heldSession(dev.answer).session)
      const results = yield* Stream.runCollect(client.process(ops("D[0]", "D[1]", "R[0]"), { depth: 2 }))
      expect(Chunk.toReadonlyArray(results).map((r) => [r.ok, r.values])).toEqual([[true, [0]], [true, [0]], [true, [0]]])
    }))
})
