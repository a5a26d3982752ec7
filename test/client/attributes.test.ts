import { describe, expect, it } from "@effect/vitest"
import { decodeAttribute } from "../../src/client/attributes.js"
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
