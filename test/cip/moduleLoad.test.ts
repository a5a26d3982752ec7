/**
 * The src/cip modules that build something while they load (Latin-1 decoders, the Logix STRING
 * layout and the built-in type registry): each is imported inside a test, so a module that fails
 * to load fails a test here (a failed static import fails a test file before any of its tests
 * runs), and what it built is checked: Latin-1 text decoded by each decoder, the STRING layout
 * member by member, the registry's lookups.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"

const latin1 = Uint8Array.of(0x41, 0xe9, 0xff) // "Aéÿ": bytes that UTF-8 would not decode so

describe("modules that build while they load", () => {
  it("types.ts: SSTRING values are Latin-1", async () => {
    const { decodeValues } = await import("../../src/cip/types.js")
    expect(decodeValues("SSTRING", Uint8Array.of(3, ...latin1))).toEqual(Either.right(["Aéÿ"]))
  })

  it("values.ts: CIP STRINGs are Latin-1", async () => {
    const { decodeCipStrings } = await import("../../src/cip/values.js")
    expect(decodeCipStrings(Uint8Array.of(3, 0, ...latin1))).toEqual(Either.right(["Aéÿ"]))
  })

  it("epath.ts: long Latin-1 runs (over 64 bytes) are decoded as short ones are", async () => {
    const { latin1Text } = await import("../../src/cip/epath.js")
    const long = new Uint8Array(99).fill(0xe9)
    expect(latin1Text(long, 0, 99)).toBe("é".repeat(99))
    expect(latin1Text(latin1, 0, 3)).toBe("Aéÿ")
  })

  it("identity.ts: the product name is Latin-1", async () => {
    const { decodeIdentity, encodeIdentity } = await import("../../src/cip/identity.js")
    const identity = { vendorId: 1, deviceType: 14, productCode: 54, revision: [20, 11] as const, status: 0x3160, serialNumber: 7, productName: "Aéÿ" }
    const bytes = encodeIdentity(identity)
    expect(Array.from(bytes.subarray(14))).toEqual([3, 0x41, 0xe9, 0xff])
    expect(decodeIdentity(bytes)).toEqual(Either.right(identity))
  })

  it("tcpip.ts: the host name is Latin-1", async () => {
    const { decodeTcpIp, encodeTcpIp } = await import("../../src/cip/tcpip.js")
    const t = {
      status: 1, capability: 4, control: 2, physicalLink: [{ _tag: "Port" as const, port: 1, link: 0 }], ipAddress: "10.0.0.2",
      networkMask: "255.255.255.0", gateway: "10.0.0.1", nameServer: "0.0.0.0", nameServer2: "0.0.0.0", domainName: "", hostName: "Aéÿ"
    }
    expect(decodeTcpIp(encodeTcpIp(t))).toEqual(Either.right(t))
  })

  it("layout.ts: the Logix STRING layout, member by member, and the built-in registry", async () => {
    const { BUILTIN_TYPES, STRING_LAYOUT } = await import("../../src/cip/layout.js")
    const { member, ...fields } = STRING_LAYOUT
    expect(fields).toEqual({
      name: "ASCIISTRING82", instance: 0x0fce, handle: 0x0fce, size: 88, predefined: true,
      members: [
        { name: "LEN", hidden: false, kind: "atomic", atomic: "DINT", dims: 0, offset: 0, bit: 0, size: 4, count: 1, typeWord: 0xc4, info: 0, suffix: "" },
        { name: "DATA", hidden: false, kind: "atomic", atomic: "SINT", dims: 82, offset: 4, bit: 0, size: 1, count: 82, typeWord: 0x20c2, info: 82, suffix: "" }
      ]
    })
    expect(member("data")).toBe(STRING_LAYOUT.members[1])
    expect(BUILTIN_TYPES.layouts).toEqual([STRING_LAYOUT])
    expect(BUILTIN_TYPES.byName("String")).toBe(STRING_LAYOUT)
    expect(BUILTIN_TYPES.byInstance(0x0fce)).toBe(STRING_LAYOUT)
    expect(BUILTIN_TYPES.byHandle(0x0fce)).toBe(STRING_LAYOUT)
    expect(BUILTIN_TYPES.byName("ASCIISTRING82")).toBeUndefined()
  })
})
