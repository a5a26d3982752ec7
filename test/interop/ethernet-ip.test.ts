/**
 * Interop: the third-party client ethernet-ip (1.2.5) against our simulator. It uses unconnected
 * messaging (Unconnected Send, route 1/slot), reads the Identity with Get Attributes All on
 * connect, supports SINT/INT/DINT/REAL/BOOL scalars and elements, bit writes through
 * Read-Modify-Write Tag, and tag groups through Multiple Service Packets.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { createRequire } from "node:module"
import { run, type Running, startSimulator } from "./simulator.js"

const require = createRequire(import.meta.url)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const eip: any = require("ethernet-ip")
const { Controller, Tag, TagGroup } = eip
const Types = eip.EthernetIP.CIP.DataTypes.Types
const HOST = "127.0.0.2"

let sim: Running

beforeAll(async () => {
  sim = await startSimulator({
    host: HOST, port: 44818, udp: false,
    tags: ["B=BOOL", "S=SINT", "I=INT", "D=DINT", "R=REAL", "SCADA=INT[1000]", "BITS=DINT", "Program:MainProgram.Speed=REAL"]
  })
})
afterAll(async () => { await sim?.stop() })

const withPlc = async <A>(f: (plc: any) => Promise<A>): Promise<A> => {
  const plc = new Controller()
  await plc.connect(HOST, 0)
  try {
    return await f(plc)
  } finally {
    plc.destroy()
  }
}

describe("ethernet-ip against the simulator", () => {
  it("connects and reads the controller identity (Get Attributes All @1/1, as a real Logix answers it)", async () => {
    await withPlc(async (plc) => {
      expect(plc.properties.name).toBe("1756-L61/B LOGIX5561")
      expect(plc.properties.version).toBe("20.11")
      expect(plc.properties.serial_number).toBe(0x006c061a)
    })
  })

  it("writes and reads back every type it supports", async () => {
    const cases: Array<[string, number, unknown]> = [
      ["B", Types.BOOL, true], ["S", Types.SINT, -100], ["I", Types.INT, 30000], ["D", Types.DINT, -2000000000], ["R", Types.REAL, 0.5]
    ]
    await withPlc(async (plc) => {
      for (const [name, type, value] of cases) {
        const tag = new Tag(name, null, type)
        await plc.writeTag(tag, value)
        const again = new Tag(name)
        await plc.readTag(again)
        expect([name, again.value]).toEqual([name, value])
      }
    })
    expect(await run(sim.store.read("D"))).toEqual([-2000000000])
    expect(await run(sim.store.read("B"))).toEqual([true])
  })

  it("reads and writes array elements and a program-scoped tag", async () => {
    await withPlc(async (plc) => {
      const el = new Tag("SCADA[999]", null, Types.INT)
      await plc.writeTag(el, -321)
      const back = new Tag("SCADA[999]")
      await plc.readTag(back)
      expect(back.value).toBe(-321)
      const speed = new Tag("Speed", "MainProgram", Types.REAL)
      await plc.writeTag(speed, 12.25)
      const speedBack = new Tag("Speed", "MainProgram")
      await plc.readTag(speedBack)
      expect(speedBack.value).toBe(12.25)
    })
    expect(await run(sim.store.read("SCADA", 999, 1))).toEqual([-321])
    expect(await run(sim.store.read("Program:MainProgram.Speed"))).toEqual([12.25])
  })

  it("sets and clears single bits (Read-Modify-Write Tag)", async () => {
    await run(sim.store.write("BITS", 0, [0x0f]))
    await withPlc(async (plc) => {
      const bit8 = new Tag("BITS.8")
      await plc.readTag(bit8)
      expect(bit8.value).toBe(false)
      await plc.writeTag(bit8, true)
      const bit0 = new Tag("BITS.0")
      await plc.readTag(bit0)
      await plc.writeTag(bit0, false)
    })
    expect(await run(sim.store.read("BITS"))).toEqual([0x10e])
  })

  it("reads and writes several tags at once (Multiple Service Packet)", async () => {
    await withPlc(async (plc) => {
      const group = new TagGroup()
      group.add(new Tag("SCADA[1]", null, Types.INT))
      group.add(new Tag("R", null, Types.REAL))
      group.add(new Tag("D", null, Types.DINT))
      group.forEach((t: any) => { t.value = t.name === "R" ? 9.75 : t.name === "D" ? 77 : 11 })
      await plc.writeTagGroup(group)
      const read = new TagGroup()
      read.add(new Tag("SCADA[1]")); read.add(new Tag("R")); read.add(new Tag("D"))
      await plc.readTagGroup(read)
      const values: Record<string, unknown> = {}
      read.forEach((t: any) => { values[t.name] = t.value })
      expect(values).toEqual({ "SCADA[1]": 11, R: 9.75, D: 77 })
    })
  })

  it("an unknown tag fails, then the session keeps working", async () => {
    await withPlc(async (plc) => {
      const before = new Tag("I", null, Types.INT)
      before.value = 1234
      await plc.writeTag(before)
      // 0x05 Path Destination Unknown: what a ControlLogix answers for a tag it does not have.
      await expect(plc.readTag(new Tag("NOSUCHTAG"))).rejects.toMatchObject({ generalStatusCode: 0x05 })
      const good = new Tag("I")
      await plc.readTag(good)
      expect(good.value).toBe(1234)
    })
  })
})
