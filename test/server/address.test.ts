/** `-a` / `-w` addresses: `[iface][:port]`, IPv6 in brackets or bare, defaults for what is left out. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { formatAddress, parseAddress } from "../../src/server/address.js"

const d = { host: "0.0.0.0", port: 44818 }
const ok = (text: string) => Either.getOrThrow(parseAddress(text, d))
const err = (text: string) => Either.match(parseAddress(text, d), { onLeft: (e) => e, onRight: (a) => `parsed ${JSON.stringify(a)}` })

describe("parseAddress", () => {
  it("fills in the default host and port", () => {
    expect(ok("")).toEqual({ host: "0.0.0.0", port: 44818 })
    expect(ok("  ")).toEqual({ host: "0.0.0.0", port: 44818 })
    expect(ok(":0")).toEqual({ host: "0.0.0.0", port: 0 })
    expect(ok(":")).toEqual({ host: "0.0.0.0", port: 44818 })
    expect(ok("localhost")).toEqual({ host: "localhost", port: 44818 })
    expect(ok(" 127.0.0.2:1234 ")).toEqual({ host: "127.0.0.2", port: 1234 })
    expect(ok("plc_1.example-site.local:65535")).toEqual({ host: "plc_1.example-site.local", port: 65535 })
  })

  it("takes IPv6 in brackets (with or without a port) and bare", () => {
    expect(ok("[::1]:44819")).toEqual({ host: "::1", port: 44819 })
    expect(ok("[::1]")).toEqual({ host: "::1", port: 44818 })
    expect(ok("[::1]:")).toEqual({ host: "::1", port: 44818 })
    expect(ok("[]:5")).toEqual({ host: "0.0.0.0", port: 5 })
    expect(ok("fe80::1%eth0")).toEqual({ host: "fe80::1%eth0", port: 44818 })
    expect(ok("::")).toEqual({ host: "::", port: 44818 })
  })

  it("refuses bad hosts and ports with a message naming the text", () => {
    expect(err("a b:1")).toBe('invalid address "a b:1": host has characters a host name cannot have')
    expect(err("host/x")).toBe('invalid address "host/x": host has characters a host name cannot have')
    expect(err("[a b]:1")).toBe('invalid address "[a b]:1": host has characters a host name cannot have')
    expect(err("h:x1")).toBe('invalid address "h:x1": port must be a number')
    expect(err("h:1x")).toBe('invalid address "h:1x": port must be a number')
    expect(err("h:-1")).toBe('invalid address "h:-1": port must be a number')
    expect(err("[::1]:p")).toBe('invalid address "[::1]:p": port must be a number')
    expect(err("h:65536")).toBe('invalid address "h:65536": port must be 0..65535')
    expect(ok("h:65535").port).toBe(65535)
  })

  it("formatAddress gives back what -a takes: IPv6 in brackets", () => {
    expect(formatAddress({ host: "::1", port: 44818 })).toBe("[::1]:44818")
    expect(formatAddress({ host: "127.0.0.1", port: 0 })).toBe("127.0.0.1:0")
    for (const a of [{ host: "::1", port: 1 }, { host: "10.1.2.3", port: 44818 }, { host: "plc", port: 2222 }]) expect(ok(formatAddress(a))).toEqual(a)
  })
})
