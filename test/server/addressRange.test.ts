import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { consecutiveAddresses, formatHostPort, formatIpv4, formatIpv6, nthAddress, parseIpv4, parseIpv6, stepsByHost } from "../../src/server/addressRange.js"

describe("address arithmetic", () => {
  it("steps IPv4 hosts across octets, same port", () => {
    const r = consecutiveAddresses({ host: "127.0.1.254", port: 44818 }, 4)
    expect(Either.getOrThrow(r).map(formatHostPort)).toEqual(["127.0.1.254:44818", "127.0.1.255:44818", "127.0.2.0:44818", "127.0.2.1:44818"])
    expect(Either.isLeft(nthAddress({ host: "255.255.255.255", port: 1 }, 1))).toBe(true)
  })

  it("steps ports for a wildcard or a host name, keeps port 0", () => {
    expect(Either.getOrThrow(consecutiveAddresses({ host: "0.0.0.0", port: 44818 }, 3)).map((a) => a.port)).toEqual([44818, 44819, 44820])
    expect(Either.getOrThrow(consecutiveAddresses({ host: "plc.local", port: 100 }, 2)).map(formatHostPort)).toEqual(["plc.local:100", "plc.local:101"])
    expect(Either.getOrThrow(consecutiveAddresses({ host: "localhost", port: 0 }, 2)).map((a) => a.port)).toEqual([0, 0])
    expect(stepsByHost("0.0.0.0")).toBe(false)
    expect(stepsByHost("::")).toBe(false)
    expect(stepsByHost("10.0.0.1")).toBe(true)
    expect(stepsByHost("fe80::1")).toBe(true)
  })

  it("parses and formats IPv6, stepping the last groups", () => {
    expect(formatIpv6(parseIpv6("::1")!)).toBe("::1")
    expect(formatIpv6(parseIpv6("2001:db8:0:0:1:0:0:1")!)).toBe("2001:db8::1:0:0:1")
    expect(Either.getOrThrow(nthAddress({ host: "fd00::ffff", port: 44818 }, 1))).toEqual({ host: "fd00::1:0", port: 44818 })
    expect(formatHostPort({ host: "::1", port: 5 })).toBe("[::1]:5")
    for (const bad of ["1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7"]) expect(parseIpv6(bad), bad).toBeUndefined()
    expect(parseIpv4("1.2.3.256")).toBeUndefined()
  })

  it("refuses what is not exactly an address, and says where a range runs out", () => {
    for (const bad of ["x1.2.3.4", "1.2.3.4x", "1.2.3", "1.2.3.4.5", " 1.2.3.4"]) expect(parseIpv4(bad), bad).toBeUndefined()
    for (const bad of ["x::1", "::1x", "1", "abcd", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8", "::1:2:3:4:5:6:7:8", ":::1"]) expect(parseIpv6(bad), bad).toBeUndefined()
    expect(parseIpv6("1:2:3:4:5:6::8")).toBe(0x0001_0002_0003_0004_0005_0006_0000_0008n) // :: for exactly one group
    expect(parseIpv6("1:2:3:4:5:6:7:8")).toBe(0x0001_0002_0003_0004_0005_0006_0007_0008n)
    expect(parseIpv6("::")).toBe(0n)
    expect(formatIpv6(0n)).toBe("::")
    expect(formatIpv6(0x0001_0000_0002_0000_0000_0003_0000_0000n)).toBe("1:0:2::3:0:0") // the longest zero run, the first of equals
    expect(formatIpv6(0x0001_0002_0003_0004_0005_0006_0007_0008n)).toBe("1:2:3:4:5:6:7:8")
    expect(formatIpv6(0x0001_0000_0002_0003_0004_0005_0006_0007n)).toBe("1:0:2:3:4:5:6:7") // a single zero group stays
    expect(nthAddress({ host: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", port: 1 }, 2))
      .toEqual(Either.left("address ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe + 2 is past the last IPv6 address"))
    expect(nthAddress({ host: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", port: 1 }, 1)).toEqual(Either.right({ host: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", port: 1 }))
    expect(nthAddress({ host: "255.255.255.250", port: 1 }, 6)).toEqual(Either.left("address 255.255.255.250 + 6 is past 255.255.255.255"))
    expect(nthAddress({ host: "plc", port: 65535 }, 0)).toEqual(Either.right({ host: "plc", port: 65535 }))
    expect(nthAddress({ host: "plc", port: 65534 }, 1)).toEqual(Either.right({ host: "plc", port: 65535 }))
    expect(nthAddress({ host: "plc", port: 65535 }, 1)).toEqual(Either.left("port 65535 + 1 is past 65535"))
    expect(consecutiveAddresses({ host: "plc", port: 65534 }, 3)).toEqual(Either.left("port 65534 + 2 is past 65535"))
    expect(stepsByHost("")).toBe(false)
    expect(stepsByHost("plc")).toBe(false)
  })

  it("round-trips every address", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => { expect(parseIpv4(formatIpv4(n))).toBe(n) }))
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (n) => { expect(parseIpv6(formatIpv6(n))).toBe(n) }))
  })
})
