/**
 * Fuzzing the codec and the controller in-process (CI-sized): mutants of valid frames of every
 * service go through framer → frame → CPF → request → controller → reply → reply decode.
 */
import { Effect, Either } from "effect"
import { describe, expect, it } from "vitest"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { decodeReply, encodeReply } from "../../src/cip/reply.js"
import { makeController } from "../../src/device/controller.js"
import { makeTagStore } from "../../src/tags/tagStore.js"
import { fuzzInProcess } from "../../scripts/fuzz/inprocess.js"

describe("in-process fuzzing", () => {
  it("20,000 mutant frames: no exception escapes, failures are typed, the controller always answers", () => {
    const report = fuzzInProcess(20_000, 20261125)
    expect(report.frames).toBe(20_000)
    expect(report.crashes.slice(0, 3)).toEqual([])
    // The mutants reach every layer: framing errors, request decoding errors, CIP statuses.
    const kinds = [...report.kinds.keys()]
    expect(kinds.some((k) => k.startsWith("frame codec:"))).toBe(true)
    expect(kinds.some((k) => k.startsWith("request codec:"))).toBe(true)
    expect(kinds.filter((k) => k.startsWith("cip:0x")).length).toBeGreaterThanOrEqual(8)
    expect(report.kinds.get("cip:ok") ?? 0).toBeGreaterThan(500)
    expect(report.requestsHandled).toBeGreaterThan(3000)
  }, 60_000)

  it("a Multiple Service Packet of 3000 failing requests → 0x11 (reply data too large), not a reply overflowing 504 bytes and its UINT offsets", () => {
    const store = Effect.runSync(makeTagStore(["SCADA=INT[10]"]))
    const ctl = makeController(store)
    const bad: CipRequest = { _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "NOPE" }], elements: 1 }
    const req: CipRequest = {
      _tag: "MultipleServicePacket", path: [{ _tag: "Class", id: 2 }, { _tag: "Instance", id: 1 }],
      requests: Array.from({ length: 3000 }, () => bad)
    }
    const reply = ctl.handle(req, { session: 1, maxReply: 504 }) as CipReply
    expect(Effect.isEffect(reply)).toBe(false)
    expect(reply.status).toBe(0x11)
    const bytes = encodeReply(reply)
    expect(bytes.length).toBeLessThanOrEqual(504)
    expect(Either.isRight(decodeReply(bytes, req))).toBe(true)
    // Refused before any of it runs: 100 embedded writes (replies ≥ 606 bytes > 504) change nothing.
    const write: CipRequest = { _tag: "WriteTag", path: [{ _tag: "Symbolic", name: "SCADA" }], type: { code: 0xc3 }, elements: 1, data: Uint8Array.of(7, 0) }
    const writes = ctl.handle({ ...req, requests: Array.from({ length: 100 }, () => write) }, { session: 1, maxReply: 504 }) as CipReply
    expect(writes.status).toBe(0x11)
    expect(Effect.runSync(store.read("SCADA", 0, 1))).toEqual([0])
    // With a connection's larger reply size the same packet fits and runs.
    const connected = ctl.handle({ ...req, requests: Array.from({ length: 100 }, () => write) }, { session: 1, maxReply: 4000 }) as CipReply
    expect(connected.status).toBe(0)
    expect(Effect.runSync(store.read("SCADA", 0, 1))).toEqual([7])
    // A packet that fits is still answered in full (0x1E: embedded errors).
    const small = ctl.handle({ ...req, requests: req.requests.slice(0, 10) }, { session: 1, maxReply: 504 }) as CipReply
    expect(small.status).toBe(0x1e)
    expect(small._tag).toBe("MultipleServicePacket")
  })
})
