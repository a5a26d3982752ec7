import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { runs } from "../propertyRuns.js"
import { decodeReply, encodeReply } from "../../src/cip/reply.js"
import { decodeRequest, encodeRequest } from "../../src/cip/request.js"
import { decodeTyped, encodeTyped } from "../../src/cip/values.js"
import { CipType, type TypeName, TYPE_NAMES, typeSpecOf } from "../../src/cip/types.js"
import { decodeIdentity, encodeIdentity } from "../../src/cip/identity.js"
import { decodeTcpIp, encodeTcpIp } from "../../src/cip/tcpip.js"
import { exchange, request } from "./arbitraries.js"

describe("round trips (property)", () => {
  it("decodeRequest(encodeRequest(r)) == r for requests of every service", () => {
    fc.assert(fc.property(request, (req) => {
      const bytes = encodeRequest(req)
      expect(Either.getOrThrow(decodeRequest(bytes))).toEqual(req)
    }), runs(3000))
  })

  it("decodeReply(encodeReply(x), request) == x for replies of every service", () => {
    fc.assert(fc.property(exchange, ([req, rep]) => {
      const bytes = encodeReply(rep)
      expect(Either.getOrThrow(decodeReply(bytes, req, { attributeSize: () => 2 }))).toEqual(rep)
    }), runs(3000))
  })

  const valueOf = (name: TypeName): fc.Arbitrary<unknown> => {
    switch (name) {
      case "BOOL": return fc.boolean()
      case "SINT": return fc.integer({ min: -128, max: 127 })
      case "USINT": return fc.integer({ min: 0, max: 255 })
      case "INT": return fc.integer({ min: -32768, max: 32767 })
      case "UINT": return fc.integer({ min: 0, max: 65535 })
      case "DINT": return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })
      case "UDINT": case "DWORD": return fc.integer({ min: 0, max: 2 ** 32 - 1 })
      case "LINT": return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
      case "ULINT": return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })
      case "REAL": return fc.float({ noNaN: true })
      case "LREAL": return fc.double({ noNaN: true })
      case "SSTRING": return fc.string({ maxLength: 30 }).map((s) => s.replace(/[^\x20-\x7e]/g, "x"))
      case "STRING": return fc.string({ maxLength: 82 }).map((s) => s.replace(/[^\x20-\x7e]/g, "x"))
    }
  }

  it("values of every type (incl. Logix STRING STRUCT 0x02A0/0x0FCE and CIP STRING 0xD0) round-trip", () => {
    for (const name of TYPE_NAMES) {
      fc.assert(fc.property(fc.array(valueOf(name), { maxLength: 6 }), (values) => {
        const spec = typeSpecOf(name)
        const bytes = encodeTyped(spec, values as never)!
        const back = Either.getOrThrow(decodeTyped(spec, bytes)!)
        expect(back.map((v) => (typeof v === "number" && Object.is(v, -0) ? 0 : v))).toEqual(
          values.map((v) => (name === "BOOL" ? v : typeof v === "number" && Object.is(v, -0) ? 0 : v))
        )
      }), runs(100))
    }
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 9 }).map((s) => s.replace(/[^\x20-\x7e]/g, "x")), { maxLength: 4 }), (values) => {
      const spec = { code: CipType.STRING }
      expect(Either.getOrThrow(decodeTyped(spec, encodeTyped(spec, values)!)!)).toEqual(values)
    }))
  })

  it("Logix STRING is STRUCT 0x02A0 + handle 0x0FCE with 88 bytes: DINT LEN, SINT[82], 2 pad", () => {
    const spec = typeSpecOf("STRING")
    expect(spec).toEqual({ code: 0x02a0, handle: 0x0fce })
    const b = encodeTyped(spec, ["Hello"])!
    expect(b.length).toBe(88)
    expect([...b.subarray(0, 9)]).toEqual([5, 0, 0, 0, 0x48, 0x65, 0x6c, 0x6c, 0x6f])
  })

  it("Identity and TCP/IP Get Attributes All payloads round-trip", () => {
    fc.assert(fc.property(fc.record({
      vendorId: fc.integer({ min: 0, max: 0xffff }), deviceType: fc.integer({ min: 0, max: 0xffff }), productCode: fc.integer({ min: 0, max: 0xffff }),
      revision: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })), status: fc.integer({ min: 0, max: 0xffff }),
      serialNumber: fc.integer({ min: 0, max: 0xffffffff }), productName: fc.stringMatching(/^[ -~]{0,32}$/),
      state: fc.integer({ min: 0, max: 255 }), configurationConsistency: fc.integer({ min: 0, max: 0xffff }), heartbeatInterval: fc.integer({ min: 0, max: 255 })
    }, { requiredKeys: ["vendorId", "deviceType", "productCode", "revision", "status", "serialNumber", "productName"] }).filter(
      (i) => (i.state === undefined) === (i.configurationConsistency === undefined) && (i.state === undefined) === (i.heartbeatInterval === undefined)
    ), (id) => {
      expect(Either.getOrThrow(decodeIdentity(encodeIdentity(id)))).toEqual(id)
    }))
    const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join("."))
    fc.assert(fc.property(fc.record({
      status: fc.nat(), capability: fc.nat(), control: fc.nat(),
      physicalLink: fc.constantFrom([], [{ _tag: "Class" as const, id: 0xf6 }, { _tag: "Instance" as const, id: 1 }]),
      ipAddress: ip, networkMask: ip, gateway: ip, nameServer: ip, nameServer2: ip,
      domainName: fc.stringMatching(/^[a-z.]{0,12}$/), hostName: fc.stringMatching(/^[a-z-]{0,12}$/)
    }), (t) => {
      expect(Either.getOrThrow(decodeTcpIp(encodeTcpIp(t)))).toEqual(t)
    }))
  })

  it("decodes the Identity payload of a real 1756-L61 (cpf.1 vector)", () => {
    const b = Buffer.from("01000e003600140b60311a066c0014313735362d4c36312f42204c4f47495835353631", "hex")
    expect(Either.getOrThrow(decodeIdentity(b))).toEqual({
      vendorId: 1, deviceType: 14, productCode: 54, revision: [20, 11], status: 0x3160, serialNumber: 0x006c061a,
      productName: "1756-L61/B LOGIX5561"
    })
  })
})
