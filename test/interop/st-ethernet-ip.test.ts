/**
 * Interop: the third-party client st-ethernet-ip (2.7.5) against our simulator. On connect it
 * reads the Identity, opens a connection (Forward Open) and lists the tags (Symbol object 0x55)
 * and their templates — what a real ControlLogix answers.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { createRequire } from "node:module"
import * as net from "node:net"
import { run, type Running, startSimulator } from "./simulator.js"

const require = createRequire(import.meta.url)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const st: any = require("st-ethernet-ip")
const HOST = "127.0.0.3"

const TAGS = [
  "B=BOOL", "S=SINT", "I=INT", "D=DINT", "L=LINT", "US=USINT", "UI=UINT", "R=REAL",
  "TEXT=STRING", "SCADA=INT[1000]", "BIG=DINT[300]", "Program:MainProgram.Speed=REAL"
]

let sim: Running

beforeAll(async () => { sim = await startSimulator({ host: HOST, port: 44818, tags: TAGS, udp: false }) })
afterAll(async () => { await sim?.stop() })

const withPlc = async <A>(f: (plc: any) => Promise<A>, connected = true): Promise<A> => {
  const plc = new st.Controller(connected)
  await plc.connect(HOST, 0)
  try {
    return await f(plc)
  } finally {
    await plc.disconnect().catch(() => undefined)
  }
}

describe("st-ethernet-ip against the simulator", () => {
  it("connects, reads the identity and lists every tag with its type", async () => {
    await withPlc(async (plc) => {
      expect(plc.properties.name).toBe("1756-L61/B LOGIX5561")
      expect(plc.properties.version).toBe("20.11")
      expect(plc.properties.serial_number).toBe(0x006c061a)
      const byName = new Map<string, any>(plc.tagList.map((t: any) => [t.program ? `Program:${t.program}.${t.name}` : t.name, t.type]))
      expect(byName.get("SCADA")).toMatchObject({ typeName: "INT", arrayDims: 1, structure: false })
      expect(byName.get("R")).toMatchObject({ typeName: "REAL", arrayDims: 0 })
      expect(byName.get("TEXT")).toMatchObject({ structure: true })
      expect(byName.size).toBeGreaterThanOrEqual(TAGS.length - 1)
    })
  })

  it("writes and reads back every atomic type it can write (connected messaging)", async () => {
    const cases: Array<[string, unknown]> = [
      ["B", true], ["S", -5], ["I", -1234], ["D", 123456789], ["US", 200], ["L", -9007199254740993n], ["R", 1.5]
    ]
    await withPlc(async (plc) => {
      for (const [name, value] of cases) {
        const tag = plc.newTag(name)
        await plc.readTag(tag)
        tag.value = value
        await plc.writeTag(tag)
        const again = plc.newTag(name)
        await plc.readTag(again)
        expect([name, again.value]).toEqual([name, value])
      }
    })
    expect(await run(sim.store.read("D"))).toEqual([123456789])
    expect(await run(sim.store.read("L"))).toEqual([-9007199254740993n])
  })

  it("reads the types it can read but not write (UINT)", async () => {
    await run(sim.store.write("UI", 0, [65000]))
    await withPlc(async (plc) => {
      for (const [name, value] of [["UI", 65000]] as const) {
        const tag = plc.newTag(name)
        await plc.readTag(tag)
        expect([name, tag.value]).toEqual([name, value])
      }
    })
  })

  it("writes and reads a Logix STRING (structure 0x0FCE)", async () => {
    await withPlc(async (plc) => {
      const tag = plc.newTag("TEXT")
      await plc.readTag(tag)
      tag.value = "Hello, PLC"
      await plc.writeTag(tag)
      const again = plc.newTag("TEXT")
      await plc.readTag(again)
      expect(again.value).toBe("Hello, PLC")
    })
    expect(await run(sim.store.read("TEXT"))).toEqual(["Hello, PLC"])
  })

  it("reads an array element and a whole 1200-byte array (larger than 500 bytes)", async () => {
    await run(sim.store.write("BIG", 0, Array.from({ length: 300 }, (_, i) => i * 1000 - 7)))
    await withPlc(async (plc) => {
      const one = plc.newTag("BIG[299]")
      await plc.readTag(one)
      expect(one.value).toBe(299 * 1000 - 7)
      const all = plc.newTag("BIG", undefined, false, 1, 300)
      await plc.readTag(all, 300)
      expect(all.value).toHaveLength(300)
      expect(all.value[0]).toBe(-7)
      expect(all.value[150]).toBe(150 * 1000 - 7)
      expect(all.value[299]).toBe(299 * 1000 - 7)
    })
  })

  it("reads and writes several tags at once (tag group)", async () => {
    await withPlc(async (plc) => {
      const group = new st.TagGroup()
      const a = plc.newTag("SCADA[10]")
      const b = plc.newTag("R")
      const c = plc.newTag("D")
      group.add(a); group.add(b); group.add(c)
      await plc.readTagGroup(group) // learns the types, as the client requires before writing
      a.value = 111; b.value = 3.5; c.value = -42
      await plc.writeTagGroup(group)
      const check = new st.TagGroup()
      const a2 = plc.newTag("SCADA[10]"); const b2 = plc.newTag("R"); const c2 = plc.newTag("D")
      check.add(a2); check.add(b2); check.add(c2)
      await plc.readTagGroup(check)
      expect([a2.value, b2.value, c2.value]).toEqual([111, 3.5, -42])
    })
  })

  it("uses unconnected messaging too", async () => {
    await withPlc(async (plc) => {
      const tag = plc.newTag("SCADA[5]")
      await plc.readTag(tag)
      tag.value = 555
      await plc.writeTag(tag)
      const again = plc.newTag("SCADA[5]")
      await plc.readTag(again)
      expect(again.value).toBe(555)
    }, false)
  })

  it("an unknown tag fails, then the session keeps working", async () => {
    await withPlc(async (plc) => {
      const before = plc.newTag("SCADA[7]")
      await plc.readTag(before)
      before.value = 777
      await plc.writeTag(before)
      const bad = plc.newTag("NOSUCHTAG")
      // 0x05 Path Destination Unknown: what a ControlLogix answers for a tag it does not have.
      await expect(plc.readTag(bad)).rejects.toMatchObject({ generalStatusCode: 0x05 })
      const good = plc.newTag("SCADA[7]")
      await plc.readTag(good)
      expect(good.value).toBe(777)
    })
  })

  it("parses our ListIdentity reply", async () => {
    const browser = new st.Browser(0, HOST, false)
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const sock = net.connect(44818, HOST, () => sock.write(Buffer.from("630000000000000000000000000000000000000000000000", "hex")))
      sock.once("data", (d) => { sock.destroy(); resolve(d) })
      sock.once("error", reject)
    })
    const device = browser._parseListIdentityResponse(reply)
    expect(device.productName).toBe("1756-L61/B LOGIX5561")
    expect(device.socketAddress.sin_addr).toBe(HOST)
    expect(device.socketAddress.sin_port).toBe(44818)
    expect(device.vendorID).toBe(1)
  })
})
