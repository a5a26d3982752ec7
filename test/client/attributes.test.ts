import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { CipReply, CipRequest, EPath } from "../../src/cip/model.js"
import { decodeAttribute, formatSymbol, listTags, type SymbolEntry } from "../../src/client/attributes.js"
import type { Session } from "../../src/client/session.js"
import { DEFAULT_NETWORK, tcpIpAttributes } from "../../src/device/identity.js"

describe("decodeAttribute: TCP/IP Interface Configuration", () => {
  it("addresses are UDINTs with the first octet most significant (10.0.0.4 = 0x0A000004, bytes 04 00 00 0A)", () => {
    const raw = Uint8Array.of(4, 0, 0, 10, 0, 0xf8, 0xff, 0xff, 1, 0, 0, 10, 8, 8, 8, 8, 4, 4, 8, 8, 0, 0)
    expect(decodeAttribute(0xf5, 5, raw)).toEqual([
      ["IP Address", "10.0.0.4"], ["Network Mask", "255.255.248.0"], ["Gateway Address", "10.0.0.1"],
      ["Name Server", "8.8.8.8"], ["Name Server 2", "8.8.4.4"], ["Domain Name", ""]
    ])
  })
  it("reads back what the simulated controller serves", () => {
    const served = tcpIpAttributes({ ...DEFAULT_NETWORK, ip: "192.168.1.20", mask: "255.255.255.0", domain: "plant" }).get(5)!
    expect(decodeAttribute(0xf5, 5, served)?.slice(0, 2)).toEqual([["IP Address", "192.168.1.20"], ["Network Mask", "255.255.255.0"]])
  })
})

// ---- Identity, the rest of TCP/IP, and the Symbol browse (a scripted session: no socket)

const IDENTITY = [1, 0, 0x0e, 0, 0x36, 0, 20, 11, 0x60, 0x30, 0x78, 0x56, 0x34, 0x12, 4, 0x41, 0x42, 0x43, 0xe9]
const IDENTITY_FIELDS = [
  ["Vendor ID", 1], ["Device Type", 14], ["Product Code", 54], ["Revision", "20.11"], ["Status", "0x3060"],
  ["Serial Number", "0x12345678"], ["Product Name", "ABC\u00e9"]
]

describe("decodeAttribute: Identity", () => {
  it("Get Attributes All: the seven attributes, then State when a byte follows", () => {
    expect(decodeAttribute(0x01, undefined, Uint8Array.from(IDENTITY))).toEqual(IDENTITY_FIELDS)
    expect(decodeAttribute(0x01, undefined, Uint8Array.from([...IDENTITY, 3]))).toEqual([...IDENTITY_FIELDS, ["State", 3]])
  })
  it("a short reply gives the fields that are whole; none whole gives undefined", () => {
    expect(decodeAttribute(0x01, undefined, Uint8Array.from(IDENTITY.slice(0, 7)))).toEqual(IDENTITY_FIELDS.slice(0, 3))
    expect(decodeAttribute(0x01, undefined, Uint8Array.from(IDENTITY.slice(0, 8)))).toEqual(IDENTITY_FIELDS.slice(0, 4))
    expect(decodeAttribute(0x01, undefined, Uint8Array.from(IDENTITY.slice(0, 18)))).toEqual(IDENTITY_FIELDS.slice(0, 6))
    expect(decodeAttribute(0x01, undefined, Uint8Array.of(1))).toBeUndefined()
  })
  it("one attribute at a time, hex padded to its width", () => {
    const one = (id: number, ...b: Array<number>) => decodeAttribute(0x01, id, Uint8Array.from(b))
    expect(one(1, 0x34, 0x12)).toEqual([["Vendor ID", 0x1234]])
    expect(one(2, 0x0c, 0)).toEqual([["Device Type", 12]])
    expect(one(3, 0xff, 0xff)).toEqual([["Product Code", 65535]])
    expect(one(4, 1, 2)).toEqual([["Revision", "1.2"]])
    expect(one(5, 5, 0)).toEqual([["Status", "0x0005"]])
    expect(one(6, 0xbc, 0x0a, 0, 0)).toEqual([["Serial Number", "0x00000abc"]])
    expect(one(7, 2, 0x68, 0x69)).toEqual([["Product Name", "hi"]])
    expect(one(8, 255)).toEqual([["State", 255]])
    expect(one(1, 0x34, 0x12, 5)).toEqual([["Vendor ID", 0x1234]]) // a trailing byte is not a State
    for (const [id, b] of [[1, [1]], [2, []], [3, [1]], [4, [1]], [5, [1]], [6, [1, 2, 3]], [7, [3, 0x41, 0x42]], [7, []], [8, []], [9, [1, 2]]] as const) {
      expect(one(id, ...b), `attribute ${id}`).toBeUndefined()
    }
  })
})

describe("decodeAttribute: TCP/IP attributes 1-6", () => {
  const one = (id: number | undefined, ...b: Array<number>) => decodeAttribute(0xf5, id, Uint8Array.from(b))
  it("the UDINTs in hex, the port's path, names of their length", () => {
    expect(one(1, 0x11, 0, 0, 0)).toEqual([["Interface Status", "0x00000011"]])
    expect(one(2, 0x94, 0, 0, 0)).toEqual([["Configuration Capability", "0x00000094"]])
    expect(one(3, 2, 0, 0, 0x80)).toEqual([["Configuration Control", "0x80000002"]])
    expect(one(4, 2, 0, 0x20, 0xf6, 0x24, 0x01)).toEqual([["Physical Link Object", "0x20 0xf6 0x24 0x01"]])
    expect(one(6, 4, 0, 0x70, 0x6c, 0x63, 0x31)).toEqual([["Host Name", "plc1"]])
    const five = [192, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    expect(one(5, ...five, 5, 0, 0x70, 0x6c, 0x61, 0x6e, 0x74)?.[5]).toEqual(["Domain Name", "plant"])
    expect(one(5, ...five)?.map(([n]) => n)).toEqual(["IP Address", "Network Mask", "Gateway Address", "Name Server", "Name Server 2", "Domain Name"])
    expect(one(5, ...five)?.[0]).toEqual(["IP Address", "0.0.0.192"])
    expect(one(5, ...five)?.[5]).toEqual(["Domain Name", ""])
  })
  it("short replies, unknown attributes, a whole-object read and other classes give undefined", () => {
    for (const [id, b] of [[1, [1, 2, 3]], [2, []], [3, [1]], [4, [2, 0, 0x20, 0xf6]], [4, [1]], [5, new Array(16).fill(0)], [6, [4, 0, 0x70]], [6, [1]], [7, [1, 2, 3, 4]]] as const) {
      expect(one(id, ...b), `attribute ${id}`).toBeUndefined()
    }
    expect(one(undefined, 1, 0, 0, 0)).toBeUndefined()
    expect(decodeAttribute(0x02, 1, Uint8Array.of(1, 0, 0, 0))).toBeUndefined()
  })
})

/** A session answering each Symbol browse request from a list of scripted replies, recording the paths. */
const browsing = (replies: Array<CipReply>) => {
  const paths: Array<EPath> = []
  const session = {
    request: (req: CipRequest) => {
      paths.push(req.path)
      expect(req).toMatchObject({ _tag: "GetInstanceAttributeList", attributes: [1, 2, 7, 8] })
      const r = replies.shift()
      return r === undefined ? Effect.die("no more replies") : Effect.succeed(r)
    }
  } as unknown as Session
  return { session, paths }
}
const page = (status: number, instances: Array<{ instance: number; name?: string; symbolType?: number; dimensions?: [number, number, number] }>): CipReply =>
  ({ _tag: "GetInstanceAttributeList", service: 0xd5, status, extStatus: [], instances })

describe("listTags: the Symbol object, page after page", () => {
  it("status 0x06 asks again from the last instance + 1; status 0 ends; names its types", async () => {
    const { session, paths } = browsing([
      page(6, [{ instance: 1, name: "A", symbolType: 0x20c4, dimensions: [2, 3, 0] }, { instance: 5, name: "M", symbolType: 0xf123, dimensions: [0, 0, 0] }]),
      page(0, [{ instance: 9, name: "Z", symbolType: 0x00a0 }, { instance: 12 }])
    ])
    const tags = await Effect.runPromise(listTags(session, "Program:Main"))
    expect(paths).toEqual([
      [{ _tag: "Symbolic", name: "Program:Main" }, { _tag: "Class", id: 0x6b }, { _tag: "Instance", id: 0 }],
      [{ _tag: "Symbolic", name: "Program:Main" }, { _tag: "Class", id: 0x6b }, { _tag: "Instance", id: 6 }]
    ])
    expect(tags).toEqual<Array<SymbolEntry>>([
      { instance: 1, name: "A", symbolType: 0x20c4, type: "DINT", dimensions: [2, 3, 0] },
      { instance: 5, name: "M", symbolType: 0xf123, type: "STRUCT(0x123)", dimensions: [0, 0, 0] },
      { instance: 9, name: "Z", symbolType: 0x00a0, type: "0xa0", dimensions: [0, 0, 0] },
      { instance: 12, name: "", symbolType: 0, type: "0x0", dimensions: [0, 0, 0] }
    ])
  })
  it("the controller's tags have no program segment; an empty partial page ends the browse", async () => {
    const { session, paths } = browsing([page(6, [{ instance: 3, name: "T", symbolType: 0xc1 }]), page(6, [])])
    const tags = await Effect.runPromise(listTags(session))
    expect(paths).toEqual([[{ _tag: "Class", id: 0x6b }, { _tag: "Instance", id: 0 }], [{ _tag: "Class", id: 0x6b }, { _tag: "Instance", id: 4 }]])
    expect(tags.map((t) => `${t.name} ${t.type}`)).toEqual(["T BOOL"])
  })
  it("a refusal or a reply of another kind fails with what it was", async () => {
    const refused = await Effect.runPromise(Effect.flip(listTags(browsing([{ ...page(5, []), extStatus: [0x0001] }]).session)))
    expect(refused._tag).toBe("ClientError")
    expect(refused).toMatchObject({ reason: "Protocol", message: expect.stringMatching(/^Symbol browse failed: Status 5 \[0x0001\] \(/) })
    const other = await Effect.runPromise(Effect.flip(listTags(browsing([{ _tag: "WriteTag", service: 0xcd, status: 0, extStatus: [] }]).session)))
    expect(other).toMatchObject({ reason: "Protocol", message: "unexpected WriteTag reply to the Symbol browse" })
  })
})

describe("listTags: a controller that never says the list is complete", () => {
  it("stops after 10,000 pages", async () => {
    let asked = 0
    const session = {
      request: () => { asked++; return Effect.succeed(page(6, [{ instance: asked, name: `T${asked}`, symbolType: 0xc4 }])) }
    } as unknown as Session
    const tags = await Effect.runPromise(listTags(session))
    expect([asked, tags.length, tags.at(-1)?.name]).toEqual([10_000, 10_000, "T10000"])
  })
})

describe("formatSymbol", () => {
  const s: SymbolEntry = { instance: 7, name: "Motor", symbolType: 0x8123, type: "STRUCT(0x123)", dimensions: [4, 0, 2] }
  it("the name padded to 32, the type (or the caller's name for it), non-zero dimensions, the instance", () => {
    expect(formatSymbol(s)).toBe(`${"Motor".padEnd(32)} STRUCT(0x123)[4,2]  (instance 7)`)
    expect(formatSymbol({ ...s, dimensions: [0, 0, 0] }, (t) => (t === 0x8123 ? "MOTOR" : undefined))).toBe(`${"Motor".padEnd(32)} MOTOR  (instance 7)`)
  })
})
