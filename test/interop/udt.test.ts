/**
 * Interop on structures (UDTs) and packed BOOL arrays: pycomm3 and pylogix (../shared/clients,
 * skipped with one line when absent) and st-ethernet-ip (an npm devDependency), each against the
 * simulator on its own loopback address 127.0.0.7:44818.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { createRequire } from "node:module"
import { describeCases } from "./cases.js"
import { run, type Running, startSimulator } from "./simulator.js"
import { UDT_CONFIG, UDT_PYCOMM3_CASES, UDT_PYLOGIX_CASES } from "./udt.cases.js"

const HOST = "127.0.0.7"

describeCases("pycomm3 on structures", HOST, UDT_PYCOMM3_CASES, UDT_CONFIG)
describeCases("pylogix on structures", HOST, UDT_PYLOGIX_CASES, UDT_CONFIG)

const require = createRequire(import.meta.url)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const st: any = require("st-ethernet-ip")

describe("st-ethernet-ip on structures", () => {
  let sim: Running
  beforeAll(async () => { sim = await startSimulator({ host: HOST, port: 44818, udp: false, ...UDT_CONFIG }) })
  afterAll(async () => { await sim?.stop() })

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const withPlc = async <A>(f: (plc: any) => Promise<A>): Promise<A> => {
    const plc = new st.Controller(true)
    await plc.connect(HOST, 0)
    try { return await f(plc) } finally { await plc.disconnect().catch(() => undefined) }
  }

  it("reads every template (attributes and members) while listing the tags", async () => {
    await withPlc(async (plc) => {
      const byName = new Map<string, any>(Object.values(plc.templateList).map((t: any) => [t._name, t]))
      const motor = byName.get("Motor")
      const layout = sim.store.types.byName("Motor")!
      expect(motor._attributes).toMatchObject({ id: layout.instance, StructureSize: 112, MemberCount: 5, StructureHandle: layout.handle })
      expect(motor._members.map((m: any) => [m.name, m.type.code, m.type.structure, m.type.arrayDims, m.info, m.offset])).toEqual([
        ["Speed", 0xca, false, 0, 0, 0], ["ZZZZZZZZZZMotor1", 0xc2, false, 0, 0, 4], ["Running", 0xc1, false, 0, 0, 4],
        ["Faults", 0xc4, false, 1, 4, 8], ["Name", 0xfce, true, 0, 0, 24]
      ])
      expect(byName.get("Line")._members.map((m: any) => [m.name, m.type.code, m.offset])).toEqual([
        ["Pump", layout.instance, 0], ["Count", 0xc3, 112], ["Flags", 0xd3, 116], ["ZZZZZZZZZZLine3", 0xc2, 124], ["Alarm", 0xc1, 124]
      ])
      expect(byName.get("pycomm3_NestedUDT")._attributes).toMatchObject({ StructureSize: 1464, MemberCount: 6 })
    })
  })

  it("reads a structure array and a nested structure, writes a whole structure, reads a member", async () => {
    await run(sim.store.write("M", 7, [{ Speed: 7.5, Running: true, Faults: [7, 0, 0, 0], Name: "seven" }]))
    await withPlc(async (plc) => {
      const m = plc.newTag("M", null, false, 1, 10)
      await plc.readTag(m, 10)
      expect(m.value[7]).toMatchObject({ Speed: 7.5, Running: true, Faults: [7, 0, 0, 0], Name: "seven" })
      const l = plc.newTag("L")
      await plc.readTag(l)
      l.value.Count = 5
      l.value.Pump.Speed = 3.25
      l.value.Alarm = true
      l.value = l.value
      await plc.writeTag(l)
      const speed = plc.newTag("L.Pump.Speed")
      await plc.readTag(speed)
      expect(speed.value).toBe(3.25)
    })
    expect((await run(sim.store.read("L")))[0]).toMatchObject({ Count: 5, Alarm: true, Pump: { Speed: 3.25 } })
  })
})
