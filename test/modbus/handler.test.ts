/**
 * The Modbus request handler without a socket: one ADU in, the reply ADU out, against registers in
 * a TagStore, byte for byte; values read back from the store after each write.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { exceptionFor, answerAdu, type HandlerContext } from "../../src/modbus/handler.js"
import { type BoundRun, makeRegisterMap, planRuns, runSpec } from "../../src/modbus/registers.js"
import { makeTagStore, TagError, type TagStoreService } from "../../src/tags/tagStore.js"

const REGS = ["40001-40010=7", "40021-40022=0x1234", "1-16=1", "21-28=0", "30001-30002=5", "10001=1"]

const device = (units?: ReadonlyArray<number>) => Effect.runSync(Effect.gen(function* () {
  const runs = Either.getOrThrow(planRuns(REGS))
  const tags = yield* makeTagStore(runs.map(runSpec))
  const bound: Array<BoundRun> = runs.map((run) => {
    const tag = tags.find(run.name)!
    tag.attribute.sync!.unsafeWrite(0, tag.type === "BOOL" ? run.values.map((v) => v !== 0) : run.values)
    return { ...run, tag }
  })
  const ctx: HandlerContext = {
    tags, registers: makeRegisterMap(bound), units: units === undefined ? undefined : new Set(units),
    identity: new Map([[0, "cpppo"], [1, "MB"], [2, "1.0"]])
  }
  return { ctx, tags }
}))

const adu = (pdu: string, unit = 1, tid = "0a0b") => `${tid}0000${(pdu.length / 2 + 1).toString(16).padStart(4, "0")}${unit.toString(16).padStart(2, "0")}${pdu}`
const ask = (ctx: HandlerContext, pdu: string, unit = 1) => {
  const r = answerAdu(ctx, Uint8Array.from(Buffer.from(adu(pdu, unit), "hex")))
  if (!(r instanceof Uint8Array)) throw new Error("expected a synchronous reply")
  return Buffer.from(r).toString("hex")
}
const values = (tags: TagStoreService, name: string) => Effect.runSync(tags.read(name))

describe("Modbus handler", () => {
  it("reads each table: registers big-endian, bits packed LSB first, from an offset inside a run", () => {
    const { ctx } = device()
    expect(ask(ctx, "0300000002")).toBe(adu("0304" + "00070007"))
    expect(ask(ctx, "0300140001")).toBe(adu("0302" + "1234"))
    expect(ask(ctx, "0400010001")).toBe(adu("0402" + "0005"))
    expect(ask(ctx, "0100000003")).toBe(adu("0101" + "07"))
    expect(ask(ctx, "010006000a")).toBe(adu("0102" + "ff03"))
    expect(ask(ctx, "0200000001")).toBe(adu("0201" + "01"))
  })

  it("each write lands at its address and echoes the request", () => {
    const { ctx, tags } = device()
    expect(ask(ctx, "0600030063")).toBe(adu("0600030063"))
    expect(ask(ctx, "10000500020400ff0102")).toBe(adu("1000050002"))
    expect(values(tags, "40001")).toEqual([7, 7, 7, 0x63, 7, 0xff, 0x102, 7, 7, 7])
    expect(ask(ctx, "0500020000")).toBe(adu("0500020000"))
    expect(ask(ctx, "050003ff00")).toBe(adu("050003ff00"))
    expect(ask(ctx, "0f000a00040105")).toBe(adu("0f000a0004"))
    expect(values(tags, "1")).toEqual([true, true, false, true, true, true, true, true, true, true, true, false, true, false, true, true])
  })

  it("writes to a run that starts past address 0 land inside it", () => {
    const { ctx, tags } = device()
    expect(ask(ctx, "0600150063")).toBe(adu("0600150063"))
    expect(ask(ctx, "10001400020400010002")).toBe(adu("1000140002"))
    expect(values(tags, "40021")).toEqual([1, 2])
    expect(ask(ctx, "17" + "0015" + "0001" + "0014" + "0001" + "02" + "0009")).toBe(adu("1702" + "0002"))
    expect(values(tags, "40021")).toEqual([9, 2])
    expect(ask(ctx, "05001bff00")).toBe(adu("05001bff00"))
    expect(ask(ctx, "0f00140002" + "0101")).toBe(adu("0f00140002"))
    expect(values(tags, "21")).toEqual([true, false, false, false, false, false, false, true])
    expect(ask(ctx, "0100140008")).toBe(adu("0101" + "81"))
  })

  it("mask write: (current AND and) OR (or AND NOT and)", () => {
    const { ctx, tags } = device()
    expect(ask(ctx, "160014f0f20025")).toBe(adu("160014f0f20025"))
    // (0x1234 & 0xf0f2) | (0x0025 & ~0xf0f2) = 0x1030 | 0x0005
    expect(values(tags, "40021")[0]).toBe(0x1035)
    expect(ask(ctx, "160014ffff0000")).toBe(adu("160014ffff0000"))
    expect(values(tags, "40021")[0]).toBe(0x1035)
    expect(ask(ctx, "1600140000ffff")).toBe(adu("1600140000ffff"))
    expect(values(tags, "40021")[0]).toBe(0xffff)
    expect(ask(ctx, "160020ffff0000")).toBe(adu("9602"))
  })

  it("read/write multiple: both ranges checked first, the write before the read", () => {
    const { ctx, tags } = device()
    expect(ask(ctx, "17" + "0000" + "0003" + "0001" + "0001" + "02" + "abcd")).toBe(adu("1706" + "0007abcd0007"))
    expect(values(tags, "40001").slice(0, 3)).toEqual([7, 0xabcd, 7])
    expect(ask(ctx, "17" + "0030" + "0001" + "0001" + "0001" + "02" + "1111")).toBe(adu("9702"))
    expect(values(tags, "40001")[1]).toBe(0xabcd) // nothing written
    expect(ask(ctx, "17" + "0000" + "0001" + "0030" + "0001" + "02" + "1111")).toBe(adu("9702"))
  })

  it("writes only reach coils and holding registers; an address outside a run is exception 02", () => {
    const { ctx } = device()
    expect(ask(ctx, "0500100000")).toBe(adu("8502"))
    expect(ask(ctx, "0f000f00020100")).toBe(adu("8f02"))
    expect(ask(ctx, "0600100001")).toBe(adu("8602"))
    expect(ask(ctx, "1000090002040001000200")).toBe(adu("9003"))
    expect(ask(ctx, "10000900020400010002")).toBe(adu("9002"))
    expect(ask(ctx, "0400020001")).toBe(adu("8402"))
    expect(ask(ctx, "0200000002")).toBe(adu("8202"))
    expect(ask(ctx, "0100100001")).toBe(adu("8102"))
  })

  it("a forced error answers its own exception code (1..11), any other status 04", () => {
    const { ctx, tags } = device()
    Effect.runSync(tags.setError("40001", { status: 6 }))
    expect(ask(ctx, "0300000001")).toBe(adu("8306"))
    expect(ask(ctx, "0600000001")).toBe(adu("8606"))
    expect(ask(ctx, "160000ffff0000")).toBe(adu("9606"))
    expect(ask(ctx, "17" + "0014" + "0001" + "0000" + "0001" + "02" + "0001")).toBe(adu("9706"))
    Effect.runSync(tags.setError("40021", { status: 0x0b }))
    expect(ask(ctx, "17" + "0014" + "0001" + "0000" + "0001" + "02" + "0001")).toBe(adu("9706"))
    Effect.runSync(tags.setError("40001", undefined))
    expect(ask(ctx, "17" + "0014" + "0001" + "0000" + "0001" + "02" + "0001")).toBe(adu("970b"))
    Effect.runSync(tags.setError("1", { status: 0x0c }))
    expect(ask(ctx, "0100000001")).toBe(adu("8104"))
    expect(ask(ctx, "050000ff00")).toBe(adu("8504"))
    Effect.runSync(tags.setError("1", { status: 1 }))
    expect(ask(ctx, "0f00000001" + "0101")).toBe(adu("8f01"))
    Effect.runSync(tags.setError("1", { status: 0 }))
    expect(ask(ctx, "0100000001")).toBe(adu("8104"))
  })

  it("exceptionFor: a forced status 1..11 is the code; anything else, or any other failure, is 04", () => {
    const forced = (status: number) => new TagError({ name: "X", reason: "Forced", status, extStatus: [], message: "" })
    expect([0, 1, 6, 11, 12, 0xff].map((s) => exceptionFor(forced(s)))).toEqual([4, 1, 6, 11, 4, 4])
    expect(exceptionFor(new TagError({ name: "X", reason: "OutOfRange", status: 5, extStatus: [], message: "" }))).toBe(4)
  })

  it("unit ids: every one when none are given; else only those listed, others 0x0B", () => {
    expect(ask(device().ctx, "0300000001", 0xf7)).toBe(adu("03020007", 0xf7))
    const { ctx } = device([1, 3])
    expect(ask(ctx, "0300000001", 3)).toBe(adu("03020007", 3))
    expect(ask(ctx, "0300000001", 2)).toBe(adu("830b", 2))
    expect(ask(ctx, "0600000001", 0)).toBe(adu("860b", 0))
  })

  it("a request that does not decode gets its exception; device identification is answered", () => {
    const { ctx } = device()
    expect(ask(ctx, "0300000000")).toBe(adu("8303"))
    expect(ask(ctx, "07")).toBe(adu("8701"))
    expect(ask(ctx, "2b0e0402")).toBe(adu("2b0e0481000001" + "0203" + Buffer.from("1.0").toString("hex")))
  })
})
