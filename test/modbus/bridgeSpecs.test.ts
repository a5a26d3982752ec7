/**
 * The bridge's parts without a socket (src/modbus/bridge.ts): `NAME@REGISTER=TYPE[n]` specs and
 * each refusal's text, values to registers and back in both word orders for every type, and a
 * bridged tag's Attribute over a recording poller (which registers it asks for, BOOL arrays padded
 * to their DWORDs, writes past the declared BOOLs refused, poller failures as CIP statuses).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { bridgeAttribute, cipError, fromRegisters, isBridgeSpec, parseBridgeSpec, toRegisters } from "../../src/modbus/bridge.js"
import { ModbusError } from "../../src/modbus/client.js"
import { PollerError, type ModbusPollerService, type RegisterValue } from "../../src/modbus/poller.js"
import type { RegisterAddress, RegisterRange } from "../../src/modbus/addresses.js"

const spec = (text: string) => Either.getOrThrow(parseBridgeSpec(text))
const refusal = (text: string) => {
  const r = parseBridgeSpec(text)
  if (Either.isRight(r)) throw new Error(`${text} was accepted`)
  return r.left.message
}

describe("bridge specs", () => {
  it("recognises NAME@digits=…, spaces allowed", () => {
    for (const t of ["Speed@40001=REAL", " Speed @ 40001 = REAL", "A@1=BOOL[8]"]) expect(isBridgeSpec(t), t).toBe(true)
    for (const t of ["Speed=REAL", "Speed@x=REAL", "@40001=REAL", "Speed@40001", "S@4000a=INT", "S=@40001=INT", "A@B@40001=INT"]) expect(isBridgeSpec(t), t).toBe(false)
  })
  it("parses the name, type, count, register and words per element", () => {
    expect(spec(" Sp @ 40003 =DINT[2]")).toMatchObject({
      spec: { name: "Sp", type: "DINT", count: 2 }, address: { table: "holding", offset: 2 }, words: 2, text: " Sp @ 40003 =DINT[2]"
    })
    expect(spec("B@10001=BOOL[40]")).toMatchObject({ spec: { type: "BOOL", count: 40 }, address: { table: "discrete", offset: 0 }, words: 0 })
    expect(spec("L@30001=LREAL").words).toBe(4)
    expect(spec("U@40001=UINT").words).toBe(1)
    expect(spec("E@465535=DINT").address.offset).toBe(65534) // the last two registers
    expect(spec("C@065536=BOOL").address).toEqual({ table: "coils", offset: 65535 })
  })
  it("refuses what cannot live in registers, saying why", () => {
    const pre = (t: string) => `bad Modbus tag spec ${JSON.stringify(t)}: `
    expect(refusal("Speed@")).toBe(`${pre("Speed@")}expected NAME@REGISTER=TYPE[n], e.g. Speed@40001=REAL`)
    expect(refusal("S@40001=STRING")).toBe(`${pre("S@40001=STRING")}type STRING cannot live in Modbus registers (one of BOOL INT UINT DINT UDINT REAL LINT ULINT LREAL)`)
    expect(refusal("S@1=INT")).toBe(`${pre("S@1=INT")}1 is a coil or discrete input: only BOOL fits`)
    expect(refusal("S@40001=BOOL")).toBe(`${pre("S@40001=BOOL")}40001 is a register: BOOL needs a coil (1-) or discrete input (10001-)`)
    expect(refusal("S@465536=DINT")).toBe(`${pre("S@465536=DINT")}2 registers from 465536 run past the table`)
    expect(refusal("S@465535=INT[3]")).toBe(`${pre("S@465535=INT[3]")}3 registers from 465535 run past the table`)
    expect(refusal("S@065535=BOOL[3]")).toBe(`${pre("S@065535=BOOL[3]")}3 bits from 065535 run past the table`)
    expect(refusal("S@0=INT")).toMatch(/^bad Modbus tag spec "S@0=INT": /)
    expect(Either.isLeft(parseBridgeSpec("S@40001=INT[x]"))).toBe(true)
    expect(Either.isLeft(parseBridgeSpec("S@40001=INT\nX@40002=INT"))).toBe(true) // one spec, not two
    expect(spec("S@40001=INT\n").spec).toMatchObject({ name: "S", type: "INT" }) // a trailing newline is trimmed
  })
})

describe("values ↔ registers", () => {
  const both = (type: Parameters<typeof toRegisters>[0], values: Array<number | bigint>, big: Array<number>) => {
    expect(toRegisters(type, values, "big"), `${type} big`).toEqual(big)
    const words = big.length / values.length
    const little = values.flatMap((_, i) => big.slice(i * words, (i + 1) * words).reverse())
    expect(toRegisters(type, values, "little"), `${type} little`).toEqual(little)
    expect(fromRegisters(type, big, "big"), `${type} back`).toEqual(values)
    expect(fromRegisters(type, little, "little"), `${type} back little`).toEqual(values)
  }
  it("each type, both word orders, several values", () => {
    both("INT", [-1, -32768, 32767, 5], [0xffff, 0x8000, 0x7fff, 5])
    both("UINT", [65535, 0, 258], [0xffff, 0, 0x0102])
    both("DINT", [0x12345678, -2], [0x1234, 0x5678, 0xffff, 0xfffe])
    both("UDINT", [0xffffffff, 0x00010002], [0xffff, 0xffff, 1, 2])
    both("REAL", [1.5, -2], [0x3fc0, 0, 0xc000, 0])
    both("LINT", [-2n, 0x0001000200030004n], [0xffff, 0xffff, 0xffff, 0xfffe, 1, 2, 3, 4])
    both("ULINT", [0xfedcba9876543210n], [0xfedc, 0xba98, 0x7654, 0x3210])
    both("LREAL", [1, -0.5], [0x3ff0, 0, 0, 0, 0xbfe0, 0, 0, 0])
  })
  it("registers short of a whole value are left out; BOOLs have no registers", () => {
    expect(fromRegisters("DINT", [1, 2, 3], "big")).toEqual([0x00010002])
    expect(fromRegisters("LREAL", [0x3ff0, 0, 0], "big")).toEqual([])
    expect(toRegisters("INT", [0x12345], "big")).toEqual([0x2345])
    expect(toRegisters("BOOL", [true, false], "big")).toEqual([])
    const regs = [0x1234, 0x5678]
    fromRegisters("DINT", regs, "little")
    expect(regs).toEqual([0x1234, 0x5678]) // the caller's registers are not reordered
  })
})

describe("poller failures as CIP statuses", () => {
  const status = (e: PollerError | ModbusError) => { const a = cipError(e); return [a.status, [...a.extStatus], a.message] }
  it("exceptions by code, the rest by reason; the message is kept", () => {
    const ex = (code: number | undefined) => status(new ModbusError({ reason: "Exception", ...(code === undefined ? {} : { code }), message: "m" }))
    expect([1, 2, 3, 4, 6, 10, 11, 5, undefined].map((c) => ex(c).slice(0, 2))).toEqual([
      [0x08, []], [0x05, []], [0x09, []], [0x10, []], [0x02, []], [0x01, [0x0204]], [0x01, [0x0204]], [0x02, []], [0x02, []]
    ])
    expect(status(new ModbusError({ reason: "Timeout", message: "slow" }))).toEqual([0x01, [0x0204], "slow"])
    expect(status(new PollerError({ reason: "ReadOnly", message: "ro" }))).toEqual([0x0e, [], "ro"])
    expect(status(new PollerError({ reason: "BadValue", message: "bv" }))).toEqual([0x09, [], "bv"])
    expect(status(new PollerError({ reason: "Stale", message: "old" }))).toEqual([0x01, [0x0204], "old"])
  })
})

/** A poller that answers reads from `values` (by offset) and records every read and write. */
const recording = (values: (offset: number) => RegisterValue, fail?: PollerError | ModbusError) => {
  const reads: Array<[RegisterRange, number]> = []
  const writes: Array<[RegisterAddress, ReadonlyArray<RegisterValue>]> = []
  const poller = {
    readFresh: (range: RegisterRange, maxAge: number) => {
      reads.push([range, maxAge])
      return fail ? Effect.fail(fail) : Effect.succeed(Array.from({ length: range.count }, (_, i) => values(range.offset + i)))
    },
    write: (address: RegisterAddress, v: RegisterValue | ReadonlyArray<RegisterValue>) => {
      writes.push([address, v as ReadonlyArray<RegisterValue>])
      return fail ? Effect.fail(fail) : Effect.void
    }
  } as unknown as ModbusPollerService
  return { poller, reads, writes }
}

describe("a bridged tag's Attribute", () => {
  it("a REAL array reads the registers of the elements asked for, decoded in the word order", async () => {
    const p = recording((o) => [0x3fc0, 0, 0xc000, 0][(o - 10) % 4]!)
    const a = bridgeAttribute(p.poller, spec("R@40011=REAL[3]"), 2000, "big")
    expect([a.type, a.count]).toEqual(["REAL", 3])
    expect(await Effect.runPromise(a.read(1, 2))).toEqual([-2, 1.5])
    expect(p.reads).toEqual([[{ table: "holding", offset: 12, count: 4 }, 2000]])
    const little = bridgeAttribute(recording((o) => (o % 2 === 0 ? 0 : 0x3fc0)).poller, spec("R@40001=REAL"), 2000, "little")
    expect(await Effect.runPromise(little.read(0, 1))).toEqual([1.5])
  })
  it("writes go to the element's first register, encoded in the word order", async () => {
    const p = recording(() => 0)
    const a = bridgeAttribute(p.poller, spec("D@40005=DINT[4]"), 2000, "little")
    await Effect.runPromise(a.write(1, [0x00010002, -1]))
    expect(p.writes).toEqual([[{ table: "holding", offset: 6 }, [2, 1, 0xffff, 0xffff]]])
  })
  it("a BOOL array is 32 to a DWORD: only the declared BOOLs are asked for; the rest read false", async () => {
    const p = recording((o) => o % 2 === 0)
    const a = bridgeAttribute(p.poller, spec("B@6=BOOL[40]"), 500, "big")
    expect(a.count).toBe(64)
    expect(await Effect.runPromise(a.read(38, 4))).toEqual([false, true, false, false])
    expect(p.reads).toEqual([[{ table: "coils", offset: 43, count: 2 }, 500]])
    expect(await Effect.runPromise(a.read(45, 3))).toEqual([false, false, false])
    expect(p.reads).toHaveLength(1) // nothing declared there: no request
    expect(await Effect.runPromise(a.read(0, 2))).toEqual([false, true])
    expect(bridgeAttribute(p.poller, spec("S@10001=BOOL"), 500, "big").count).toBe(1)
  })
  it("BOOL writes: 1/true set, past the declared BOOLs only false may be written (and is not sent)", async () => {
    const p = recording(() => false)
    const a = bridgeAttribute(p.poller, spec("B@1=BOOL[3]"), 500, "big")
    await Effect.runPromise(a.write(0, [1, 0, true]))
    await Effect.runPromise(a.write(2, [false, 0, false]))
    await Effect.runPromise(a.write(10, [false]))
    expect(p.writes).toEqual([[{ table: "coils", offset: 0 }, [true, false, true]], [{ table: "coils", offset: 2 }, [false]]])
    for (const past of [true, 1]) {
      const e = await Effect.runPromise(Effect.flip(a.write(2, [false, past])))
      expect([e.status, [...e.extStatus], e.message]).toEqual([0xff, [0x2105], "B: BOOLs past 3 have no coil or input behind them"])
    }
    expect(p.writes).toHaveLength(2)
  })
  it("the poller's failures become CIP statuses on reads and writes", async () => {
    const p = recording(() => 0, new PollerError({ reason: "Stale", message: "40001: no fresh value" }))
    const a = bridgeAttribute(p.poller, spec("I@40001=INT"), 500, "big")
    const r = await Effect.runPromise(Effect.flip(a.read(0, 1)))
    expect([r.status, [...r.extStatus], r.message]).toEqual([0x01, [0x0204], "40001: no fresh value"])
    const w = bridgeAttribute(recording(() => 0, new ModbusError({ reason: "Exception", code: 2, message: "x" })).poller, spec("I@40001=INT"), 500, "big")
    expect((await Effect.runPromise(Effect.flip(w.write(0, [5])))).status).toBe(0x05)
  })
})
