import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { CipReply } from "../../src/cip/model.js"
import { encodeReply } from "../../src/cip/reply.js"
import { att, bytes, cls, fixture, hex, ins, sym } from "./helpers.js"

describe("Identity, TCP/IP, Ethernet Link, Message Router", () => {
  it("Get Attributes All on Identity answers like a 1756-L61 (cpppo's values, attributes 1..7 as Logix)", () => {
    const f = fixture([])
    const r = f.sync({ _tag: "GetAttributesAll", path: [cls(1), ins(1)] })
    expect(r).toMatchObject({ _tag: "GetAttributesAll", service: 0x81, status: 0 })
    // sim.get_attributes_all_identity reply payload without cpppo's trailing attributes 8..10
    expect(bytes(r)).toEqual(Array.from(hex("01000e003600140b60311a066c0014313735362d4c36312f42204c4f47495835353631")))
    expect(bytes(f.sync({ _tag: "GetAttributeSingle", path: [cls(1), ins(1), att(8)] }))).toEqual([0xff])
  })

  it("Get Attribute Single on Identity, and configurable identity", () => {
    const f = fixture([], { identity: { productName: "Sim", serial: 0x01020304, revision: [33, 1] } })
    expect(bytes(f.sync({ _tag: "GetAttributeSingle", path: [cls(1), ins(1), att(7)] }))).toEqual([3, 0x53, 0x69, 0x6d])
    expect(bytes(f.sync({ _tag: "GetAttributeSingle", path: [cls(1), ins(1), att(6)] }))).toEqual([4, 3, 2, 1])
    expect(f.sync({ _tag: "GetAttributeSingle", path: [cls(1), ins(1), att(99)] })).toMatchObject({ _tag: "Error", service: 0x8e, status: 0x14 })
    expect(f.sync({ _tag: "GetAttributeSingle", path: [cls(1), ins(9), att(1)] })).toMatchObject({ status: 0x16 })
    expect(f.sync({ _tag: "GetAttributeSingle", path: [cls(0x99), ins(1), att(1)] })).toMatchObject({ status: 0x05 })
    expect(f.ctl.identity("10.0.0.5", 44818)).toMatchObject({ productName: "Sim", serialNumber: 0x01020304, revision: [33, 1], sockaddr: { address: "10.0.0.5", port: 44818, family: 2 }, vendorId: 1, deviceType: 14, productCode: 54, status: 0x3160, state: 255 })
  })

  it("TCP/IP Interface and Ethernet Link answer with their attributes", () => {
    const f = fixture([], { network: { ip: "192.168.1.10", hostName: "plc" } })
    const all = bytes(f.sync({ _tag: "GetAttributesAll", path: [cls(0xf5), ins(1)] }))
    expect(all.slice(12, 18)).toEqual([2, 0, 0x20, 0xf6, 0x24, 0x01]) // path to the Ethernet Link
    expect(all.slice(18, 22)).toEqual([10, 1, 168, 192])
    expect(bytes(f.sync({ _tag: "GetAttributeSingle", path: [cls(0xf5), ins(1), att(6)] }))).toEqual([3, 0, 0x70, 0x6c, 0x63, 0])
    expect(bytes(f.sync({ _tag: "GetAttributeSingle", path: [cls(0xf6), ins(1), att(1)] }))).toEqual([100, 0, 0, 0])
    expect(bytes(f.sync({ _tag: "GetAttributeSingle", path: [cls(0xf6), ins(1), att(3)] })).length).toBe(6)
    const mr = bytes(f.sync({ _tag: "GetAttributeSingle", path: [cls(2), ins(1), att(1)] }))
    expect(mr[0]).toBe(8) // Identity, Message Router, Connection Manager, Symbol, Template, Wall Clock Time, TCP/IP, Ethernet Link
    expect(f.sync({ _tag: "SetAttributeSingle", path: [cls(1), ins(1), att(7)], data: Uint8Array.of(0) })).toMatchObject({ status: 0x0e })
  })

  it("Get Attribute List returns per-attribute statuses", () => {
    const f = fixture([])
    const r = f.sync({ _tag: "GetAttributeList", path: [cls(1), ins(1)], attributes: [1, 99, 8] })
    expect(r).toMatchObject({ _tag: "GetAttributeList", service: 0x83, status: 0x0a })
    if (r._tag !== "GetAttributeList") throw new Error(r._tag)
    expect(r.attributes.map((a) => [a.id, a.status, a.data ? Array.from(a.data) : undefined])).toEqual([[1, 0, [1, 0]], [99, 0x14, undefined], [8, 0, [255]]])
  })
})

describe("tags placed at CIP attributes", () => {
  it("Set / Get Attribute Single on @0x93/3/10 (sim.set_attribute_single_real), with size checks", () => {
    const f = fixture(["Motor_Velocity@0x93/3/10=REAL", "Other@0x93/3/11=INT"])
    expect(f.sync({ _tag: "SetAttributeSingle", path: [cls(0x93), ins(3), att(10)], data: hex("0000803f") })).toEqual({ _tag: "SetAttributeSingle", service: 0x90, status: 0, extStatus: [] })
    expect(bytes(f.sync({ _tag: "GetAttributeSingle", path: [cls(0x93), ins(3), att(10)] }))).toEqual([0, 0, 0x80, 0x3f])
    expect(Effect.runSync(f.store.read("motor_velocity"))).toEqual([1])
    expect(f.sync({ _tag: "SetAttributeSingle", path: [cls(0x93), ins(3), att(10)], data: Uint8Array.of(1, 2) })).toMatchObject({ status: 0x13 })
    expect(f.sync({ _tag: "SetAttributeSingle", path: [cls(0x93), ins(3), att(10)], data: new Uint8Array(6) })).toMatchObject({ status: 0x15 })
    expect(f.sync({ _tag: "SetAttributeSingle", path: [cls(0x93), ins(3), att(12)], data: new Uint8Array(2) })).toMatchObject({ status: 0x05 })
    Effect.runSync(f.store.write("Other", 0, [5]))
    expect(bytes(f.sync({ _tag: "GetAttributesAll", path: [cls(0x93), ins(3)] }))).toEqual([0, 0, 0x80, 0x3f, 5, 0])
  })
})

describe("Symbol object (0x6B)", () => {
  const list = (f: ReturnType<typeof fixture>, from: number, attrs: ReadonlyArray<number>, maxReply = 504, scope?: string) =>
    f.sync({ _tag: "GetInstanceAttributeList", path: [...(scope ? [sym(scope)] : []), cls(0x6b), ins(from)], attributes: attrs }, maxReply)

  /** Parse name (attr 1) + type (attr 2) entries, as st-ethernet-ip does. */
  const parse = (data: ReadonlyArray<number>) => {
    const b = Uint8Array.from(data)
    const dv = new DataView(b.buffer)
    const out: Array<[number, string, number]> = []
    let p = 0
    while (p < b.length) {
      const id = dv.getUint32(p, true)
      const len = dv.getUint16(p + 4, true)
      const name = String.fromCharCode(...b.subarray(p + 6, p + 6 + len))
      out.push([id, name, dv.getUint16(p + 6 + len, true)])
      p += 8 + len
    }
    return out
  }

  it("lists tags with Logix symbol type words, and programs as Program:Name", () => {
    const f = fixture(["SCADA=INT[1000]", "FLOAT=REAL", "Name=STRING", "Names=STRING[4]", "Program:Main.Speed=DINT", "Program:Main.Flags=BOOL[8]"])
    const r = list(f, 0, [1, 2])
    expect(r).toMatchObject({ service: 0xd5, status: 0 })
    expect(parse(bytes(r))).toEqual([
      [1, "SCADA", 0x20c3], [2, "FLOAT", 0x00ca], [3, "Name", 0x8fce], [4, "Names", 0xafce], [7, "Program:Main", 0x1068]
    ])
    // A BOOL array is listed as the DWORD array a controller stores it as.
    expect(parse(bytes(list(f, 0, [1, 2], 504, "Program:Main")))).toEqual([[5, "Speed", 0x00c4], [6, "Flags", 0x20d3]])
    expect(list(f, 0, [1, 2], 504, "Program:Nope")).toMatchObject({ status: 0x05 })
  })

  it("encodes byte count (7) and dimensions (8)", () => {
    const f = fixture(["SCADA=INT[1000]", "S=STRING"])
    const b = Uint8Array.from(bytes(list(f, 1, [7, 8])))
    const dv = new DataView(b.buffer)
    expect([dv.getUint32(0, true), dv.getUint16(4, true), dv.getUint32(6, true), dv.getUint32(10, true)]).toEqual([1, 2, 1000, 0])
    expect([dv.getUint32(18, true), dv.getUint16(22, true), dv.getUint32(24, true)]).toEqual([2, 88, 0])
    expect(list(f, 1, [1, 42])).toMatchObject({ status: 0x14 })
  })

  it("answers the attributes pycomm3 asks for (1, 2, 3, 5, 6, 8, 10) and the controller name object 0x64", () => {
    const f = fixture(["SCADA=INT[1000]"], { controllerName: "Line3" })
    const b = Uint8Array.from(bytes(list(f, 0, [1, 2, 3, 5, 6, 8, 10])))
    const dv = new DataView(b.buffer)
    // id, name "SCADA", type, address, object address, software control, dims ×3, access
    expect(b.length).toBe(4 + 2 + 5 + 2 + 4 + 4 + 4 + 12 + 1)
    expect(dv.getUint16(11, true)).toBe(0x20c3)
    expect(dv.getUint32(21, true) & (1 << 26)).not.toBe(0) // a base tag, not an alias
    expect(dv.getUint32(25, true)).toBe(1000)
    expect(b[b.length - 1]).toBe(0)
    expect(bytes(f.sync({ _tag: "GetAttributesAll", path: [cls(0x64), ins(1)] }))).toEqual([5, 0, 0x4c, 0x69, 0x6e, 0x65, 0x33])
  })

  it("paginates with status 0x06; clients continue from the last id + 1", () => {
    const specs = Array.from({ length: 100 }, (_, i) => `Tag_number_${String(i).padStart(3, "0")}=DINT`)
    const f = fixture(specs)
    const seen: Array<string> = []
    let from = 0
    let pages = 0
    for (; pages < 50; pages++) {
      const r = list(f, from, [1, 2], 200)
      const entries = parse(bytes(r))
      seen.push(...entries.map((e) => e[1]))
      expect(bytes(r).length + 4).toBeLessThanOrEqual(200)
      if (r.status === 0) break
      expect(r.status).toBe(0x06)
      from = entries[entries.length - 1]![0] + 1
    }
    expect(pages).toBeGreaterThan(5)
    expect(seen).toEqual(specs.map((s) => s.split("=")[0]))
  })

  it("Get Attribute Single on a symbol instance", () => {
    const f = fixture(["A=INT", "B=DINT[3]"])
    expect(bytes(f.sync({ _tag: "GetAttributeSingle", path: [cls(0x6b), ins(2), att(2)] }))).toEqual([0xc4, 0x20])
    expect(f.sync({ _tag: "GetAttributeSingle", path: [cls(0x6b), ins(9), att(2)] })).toMatchObject({ status: 0x16 })
  })
})

describe("Template object (0x6C) for STRING (ASCIISTRING82, predefined)", () => {
  const attributes = (f: ReturnType<typeof fixture>, list: ReadonlyArray<number>) => {
    const r = f.sync({ _tag: "GetAttributeList", path: [cls(0x6c), ins(0x0fce)], attributes: list })
    if (r._tag !== "GetAttributeList") throw new Error(r._tag)
    return r.attributes.map((a) => { const d = a.data!; return d.length === 4 ? new DataView(d.buffer, d.byteOffset).getUint32(0, true) : new DataView(d.buffer, d.byteOffset).getUint16(0, true) })
  }

  it("Get Attribute List gives the attributes clients use to size Read Template (pycomm3 asks 4 5 2 1, pylogix 4 3 2 1)", () => {
    const f = fixture(["S=STRING"])
    const [words, size, members, handle] = attributes(f, [4, 5, 2, 1])
    // What pycomm3 uploaded from a real controller for STRING (tests/offline/controller_tags.json):
    // object_definition_size 15, structure_size 88, member_count 2, structure_handle 4046.
    expect([words, size, members, handle]).toEqual([15, 88, 2, 0x0fce])
    const r = f.sync({ _tag: "GetAttributeList", path: [cls(0x6c), ins(0x0fce)], attributes: [4, 3, 2, 1] })
    // pylogix reads the member count at byte 24 of the reply (its attribute 3 takes two bytes).
    const reply = Uint8Array.from([0x83, 0, 0, 0, ...bytesOfList(r)])
    expect(new DataView(reply.buffer).getUint32(10, true)).toBe(15)
    expect(new DataView(reply.buffer).getUint16(24, true)).toBe(2)
  })

  it("Read Template returns the member definitions LEN (DINT) and DATA (SINT[82]) and the predefined name, no ;n suffix", () => {
    const f = fixture(["S=STRING"])
    const r = f.sync({ _tag: "ReadTemplate", path: [cls(0x6c), ins(0x0fce)], offset: 0, bytes: 200 })
    expect(r).toMatchObject({ _tag: "ReadTemplate", status: 0 })
    const d = Uint8Array.from(bytes(r))
    expect(d.length).toBe(40) // 15 × 4 − 20: up to the object's 32-bit boundary
    const dv = new DataView(d.buffer)
    expect([dv.getUint16(0, true), dv.getUint16(2, true), dv.getUint32(4, true)]).toEqual([0, 0xc4, 0])
    expect([dv.getUint16(8, true), dv.getUint16(10, true), dv.getUint32(12, true)]).toEqual([82, 0x20c2, 4])
    // 39 bytes of definition: floor((39 + 23) / 4) = 15 words, as the real controller's.
    expect(Buffer.from(d.subarray(16)).toString("latin1")).toBe("ASCIISTRING82\0LEN\0DATA\0\0")
    const part = f.sync({ _tag: "ReadTemplate", path: [cls(0x6c), ins(0x0fce)], offset: 0, bytes: 200 }, 14)
    expect(part).toMatchObject({ status: 0x06 })
    expect(bytes(part)).toEqual(Array.from(d.subarray(0, 10)))
    const rest = f.sync({ _tag: "ReadTemplate", path: [cls(0x6c), ins(0x0fce)], offset: 10, bytes: 200 })
    expect(bytes(rest)).toEqual(Array.from(d.subarray(10)))
    expect(f.sync({ _tag: "ReadTemplate", path: [cls(0x6c), ins(0x123)], offset: 0, bytes: 10 })).toMatchObject({ status: 0x05 })
  })

  it("ends both pylogix's and pycomm3's Read Template loops", () => {
    const f = fixture(["S=STRING"])
    const [words] = attributes(f, [4])
    // pylogix: ceil((words × 4 − 23) / 4) × 4 bytes, asking again from what it holds until it has them.
    const want = Math.ceil((words! * 4 - 23) / 4) * 4
    let held = 0
    for (let i = 0; held < want; i++) {
      expect(i).toBeLessThan(3)
      const r = f.sync({ _tag: "ReadTemplate", path: [cls(0x6c), ins(0x0fce)], offset: held, bytes: want - held }, 30)
      expect([0, 6]).toContain(r.status)
      held += bytes(r).length
    }
    expect(held).toBe(want)
    // pycomm3: words × 4 − 21 bytes, until a status other than 0x06.
    const r = f.sync({ _tag: "ReadTemplate", path: [cls(0x6c), ins(0x0fce)], offset: 0, bytes: words! * 4 - 21 })
    expect(r.status).toBe(0)
    expect(bytes(r).length).toBe(words! * 4 - 21)
    // At or past the end: an error, never "success, no data" (pylogix would ask forever).
    expect(f.sync({ _tag: "ReadTemplate", path: [cls(0x6c), ins(0x0fce)], offset: 40, bytes: 4 })).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(f.sync({ _tag: "ReadTemplate", path: [cls(0x6c), ins(0x0fce)], offset: 36, bytes: 5 })).toMatchObject({ status: 0 })
  })
})

/** The encoded body of a Get Attribute List reply (count, then id, status, value of each). */
const bytesOfList = (r: CipReply): Array<number> => Array.from(encodeReply(r).subarray(4))
