/** The Modbus codec, address forms and request planning, as plain functions. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import fc from "fast-check"
import { format, formatRange, parseAddress, parseRangeSpec } from "../../src/modbus/addresses.js"
import { decodeRequest, decodeResponse, deviceIdResponse, encodeRequest, makeMbapFramer, type ModbusRequest, registersResponse } from "../../src/modbus/codec.js"
import { mergeRanges } from "../../src/modbus/merge.js"
import { planRuns, runSpec } from "../../src/modbus/registers.js"
import { makeTagStore, TagError } from "../../src/tags/tagStore.js"

const ok = <A, E>(e: Either.Either<A, E>): A => Either.getOrThrowWith(e, (x) => new Error(String((x as { message?: string }).message ?? x)))

describe("register addresses", () => {
  it.each([
    ["1", "coils", 0], ["9999", "coils", 9998], ["010000", "coils", 9999], ["065536", "coils", 65535],
    ["10001", "discrete", 0], ["100001", "discrete", 0], ["165536", "discrete", 65535],
    ["30001", "input", 0], ["39999", "input", 9998], ["300001", "input", 0],
    ["40001", "holding", 0], ["99999", "holding", 59998], ["400001", "holding", 0], ["465536", "holding", 65535]
  ])("%s is %s %d", (text, table, offset) => {
    expect(ok(parseAddress(text))).toEqual({ table, offset })
  })

  it.each(["0", "10000", "20001", "30000", "40000", "465537", "500001", "200001", "x", "4000001"])("%s is refused", (text) => {
    expect(Either.isLeft(parseAddress(text))).toBe(true)
  })

  it("formats in the 5-digit form when it fits, else 6", () => {
    expect(format({ table: "holding", offset: 0 })).toBe("40001")
    expect(format({ table: "holding", offset: 60000 })).toBe("460001")
    expect(format({ table: "coils", offset: 12000 })).toBe("012001")
    expect(formatRange({ table: "input", offset: 9990, count: 20 })).toBe("309991-310010")
  })

  it("parses cpppo's range specs: values repeat to fill, or set the length", () => {
    expect(ok(parseRangeSpec("40001-40004=1,2"))).toMatchObject({ table: "holding", offset: 0, count: 4, values: [1, 2, 1, 2] })
    expect(ok(parseRangeSpec("40010=5,6,7"))).toMatchObject({ offset: 9, count: 3, values: [5, 6, 7] })
    expect(ok(parseRangeSpec("1-3", 0))).toMatchObject({ table: "coils", count: 3, values: [0, 0, 0] })
    expect(ok(parseRangeSpec("400001=0x10"))).toMatchObject({ values: [16] })
    for (const bad of ["40001-30001", "40005-40001", "1-2=2", "40001=70000", "40001=a", "4-"]) expect(Either.isLeft(parseRangeSpec(bad))).toBe(true)
  })

  it("merges overlapping and adjacent specs into runs (later values win)", () => {
    const runs = ok(planRuns(["40001-40010=1", "40005-40012=2", "40020=3", "400021=4", "1-8"]))
    expect(runs.map((r) => [r.name, r.count])).toEqual([["1", 8], ["40001", 12], ["40020", 2]])
    expect(runs[1]!.values).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2])
  })
})

describe("register runs as tags", () => {
  it.effect("coils and discrete inputs are stored one byte per bit, not packed 32 to a DWORD as a Logix BOOL array", () =>
    Effect.gen(function* () {
      const runs = ok(planRuns(["1-40", "10001-10003", "40001-40002=7"]))
      const store = yield* makeTagStore(runs.map(runSpec))
      const coils = store.find("1")!
      // 40 coils are 40 BOOLs (a Logix BOOL[40] would hold 64, two DWORDs)
      expect([coils.count, coils.element]).toEqual([40, { _tag: "Atomic", name: "BOOL" }])
      const lift = <A>(o: unknown) => (Effect.isEffect(o) ? o : o instanceof TagError ? Effect.die(o) : Effect.succeed(o)) as Effect.Effect<A>
      yield* lift(store.writeBytes(coils, 36, 4, Uint8Array.of(1, 0, 1, 1)))
      const bytes = yield* lift<Uint8Array>(store.readBytes(coils, 35, 5))
      expect(Array.from(bytes)).toEqual([0, 1, 0, 1, 1])
      expect(store.find("10001")!.count).toBe(3)
    }))
})

describe("request planning", () => {
  it("merges within reach, never across tables, and cuts at the limits", () => {
    const r = mergeRanges([{ table: "holding", offset: 0 }, { table: "holding", offset: 3 }, { table: "holding", offset: 20 }, { table: "coils", offset: 0, count: 4000 }], 5)
    expect(r).toEqual([
      { table: "coils", offset: 0, count: 2000 }, { table: "coils", offset: 2000, count: 2000 },
      { table: "holding", offset: 0, count: 4 }, { table: "holding", offset: 20, count: 1 }
    ])
    expect(mergeRanges([{ table: "input", offset: 0, count: 300 }], 1)).toEqual([
      { table: "input", offset: 0, count: 125 }, { table: "input", offset: 125, count: 125 }, { table: "input", offset: 250, count: 50 }])
    expect(mergeRanges([{ table: "holding", offset: 0 }, { table: "holding", offset: 1 }], 1)).toEqual([{ table: "holding", offset: 0, count: 2 }])
    expect(mergeRanges([{ table: "holding", offset: 0 }, { table: "holding", offset: 2 }], 1)).toHaveLength(2)
  })
})

const arbRequest: fc.Arbitrary<ModbusRequest> = fc.oneof(
  fc.record({ fc: fc.constantFrom(1 as const, 2 as const), address: fc.nat(65535), quantity: fc.integer({ min: 1, max: 2000 }) }),
  fc.record({ fc: fc.constantFrom(3 as const, 4 as const), address: fc.nat(65535), quantity: fc.integer({ min: 1, max: 125 }) }),
  fc.record({ fc: fc.constant(5 as const), address: fc.nat(65535), value: fc.boolean() }),
  fc.record({ fc: fc.constant(6 as const), address: fc.nat(65535), value: fc.nat(65535) }),
  fc.record({ fc: fc.constant(15 as const), address: fc.nat(65535), values: fc.array(fc.boolean(), { minLength: 1, maxLength: 1968 }) }),
  fc.record({ fc: fc.constant(16 as const), address: fc.nat(65535), values: fc.array(fc.nat(65535), { minLength: 1, maxLength: 123 }) }),
  fc.record({ fc: fc.constant(22 as const), address: fc.nat(65535), and: fc.nat(65535), or: fc.nat(65535) }),
  fc.record({ fc: fc.constant(23 as const), readAddress: fc.nat(65535), readQuantity: fc.integer({ min: 1, max: 125 }), writeAddress: fc.nat(65535), values: fc.array(fc.nat(65535), { minLength: 1, maxLength: 121 }) }),
  fc.record({ fc: fc.constant(43 as const), code: fc.integer({ min: 1, max: 4 }), objectId: fc.nat(255) })
)

describe("codec", () => {
  it("every request decodes to what was encoded", () => {
    fc.assert(fc.property(arbRequest, (r) => { expect(decodeRequest(encodeRequest(r))).toEqual(r) }), { numRuns: 500 })
  })

  it("decoding arbitrary bytes never throws", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 260 }), (b) => {
      const r = decodeRequest(b)
      expect(r).toBeDefined()
      decodeResponse({ fc: 3, address: 0, quantity: 2 }, b)
      decodeResponse({ fc: 43, code: 1, objectId: 0 }, b)
    }), { numRuns: 2000 })
  })

  it("register responses and device identification decode", () => {
    expect(decodeResponse({ fc: 3, address: 0, quantity: 2 }, registersResponse(3, Uint8Array.of(0, 7, 0xff, 0xff)))).toEqual({ _tag: "Registers", fc: 3, values: [7, 65535] })
    expect(decodeResponse({ fc: 3, address: 0, quantity: 3 }, registersResponse(3, Uint8Array.of(0, 7, 0xff, 0xff)))._tag).toBe("Malformed")
    const objects = new Map([[0, "V".repeat(100)], [1, "P".repeat(100)], [2, "1.0"], [3, "U".repeat(100)]])
    const first = decodeResponse({ fc: 43, code: 2, objectId: 0 }, deviceIdResponse(objects, 2, 0))
    // 253-byte PDU limit: the fourth object does not fit, so "more follows" from object 3.
    expect(first).toMatchObject({ _tag: "DeviceId", more: true, next: 3 })
    const rest = decodeResponse({ fc: 43, code: 2, objectId: 3 }, deviceIdResponse(objects, 2, 3))
    expect(rest).toMatchObject({ _tag: "DeviceId", more: false })
  })

  it("the MBAP framer cuts frames across any chunking", () => {
    const frames = ["000100000006010300000001", "0002000000030183" + "02", "000300000004ff2b0e01"].map((h) => Buffer.from(h, "hex"))
    const all = Buffer.concat(frames)
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: all.length }), { maxLength: 6 }), (cuts) => {
      const f = makeMbapFramer()
      const points = [...new Set(cuts)].sort((a, b) => a - b)
      const out: Array<string> = []
      let at = 0
      for (const p of [...points, all.length]) { out.push(...f.push(all.subarray(at, p)).frames.map((x) => Buffer.from(x).toString("hex"))); at = p }
      expect(out).toEqual(frames.map((x) => x.toString("hex")))
    }))
  })
})
