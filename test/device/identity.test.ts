/**
 * The controller's own objects byte for byte: TCP/IP Interface (0xF5) and Ethernet Link (0xF6)
 * from a network configuration, the Message Router's object list, class attributes (instance 0),
 * Identity's configurable values, and the limits of the strings they carry.
 */
import { describe, expect, it } from "@effect/vitest"
import type { CipReply } from "../../src/cip/model.js"
import { att, bytes, cls, fixture, ins } from "./helpers.js"

const get = (f: ReturnType<typeof fixture>, c: number, i: number, a: number) =>
  bytes(f.sync({ _tag: "GetAttributeSingle", path: [cls(c), ins(i), att(a)] }))
const all = (f: ReturnType<typeof fixture>, c: number, i?: number) =>
  f.sync({ _tag: "GetAttributesAll", path: i === undefined ? [cls(c)] : [cls(c), ins(i)] })
const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24]
const chars = (s: string) => Array.from(s, (c) => c.charCodeAt(0))

describe("TCP/IP Interface (0xF5) and Ethernet Link (0xF6)", () => {
  const network = {
    ip: "192.168.1.10", mask: "255.255.255.0", gateway: "192.168.1.1", dns1: "8.8.8.8", dns2: "1.1.1.1",
    domain: "abc", hostName: "plc1", mac: "00-1D-9C-0A-0B-0C", speed: 1000
  }

  it("answers every attribute from the network configuration, strings padded to even length", () => {
    const f = fixture([], { network })
    expect(get(f, 0xf5, 1, 1)).toEqual(le32(1))
    expect(get(f, 0xf5, 1, 2)).toEqual(le32(0x14))
    expect(get(f, 0xf5, 1, 3)).toEqual(le32(0))
    expect(get(f, 0xf5, 1, 4)).toEqual([2, 0, 0x20, 0xf6, 0x24, 0x01])
    // addresses as UDINTs (192.168.1.10 = 0xC0A8010A, little-endian), then the domain: length 3, "abc", pad
    expect(get(f, 0xf5, 1, 5)).toEqual([
      ...le32(0xc0a8010a), ...le32(0xffffff00), ...le32(0xc0a80101), ...le32(0x08080808), ...le32(0x01010101),
      3, 0, ...chars("abc"), 0
    ])
    expect(get(f, 0xf5, 1, 6)).toEqual([4, 0, ...chars("plc1")]) // even: no pad
    const whole = all(f, 0xf5, 1)
    expect(bytes(whole)).toEqual([1, 2, 3, 4, 5, 6].flatMap((a) => get(f, 0xf5, 1, a)))
    expect(get(f, 0xf6, 1, 1)).toEqual(le32(1000))
    expect(get(f, 0xf6, 1, 2)).toEqual(le32(0x0f))
    expect(get(f, 0xf6, 1, 3)).toEqual([0x00, 0x1d, 0x9c, 0x0a, 0x0b, 0x0c])
  })

  it("defaults: no addresses, empty names, MAC 00:1d:9c:00:00:01 at 100 Mbit/s", () => {
    const f = fixture([])
    expect(get(f, 0xf5, 1, 5)).toEqual([...new Array(20).fill(0), 0, 0])
    expect(get(f, 0xf5, 1, 6)).toEqual([0, 0])
    expect(get(f, 0xf6, 1, 3)).toEqual([0x00, 0x1d, 0x9c, 0x00, 0x00, 0x01])
    expect(get(f, 0xf6, 1, 1)).toEqual(le32(100))
  })

  it("an address that is not a dotted quad of octets reads as 0.0.0.0; a short MAC is padded with zeros", () => {
    for (const ip of ["1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-1", "a.b.c.d", ""]) {
      expect(get(fixture([], { network: { ip } }), 0xf5, 1, 5).slice(0, 4), ip).toEqual([0, 0, 0, 0])
    }
    expect(get(fixture([], { network: { ip: "255.0.0.255" } }), 0xf5, 1, 5).slice(0, 4)).toEqual([255, 0, 0, 255])
    expect(get(fixture([], { network: { mac: "aa:bb" } }), 0xf6, 1, 3)).toEqual([0xaa, 0xbb, 0, 0, 0, 0])
    expect(get(fixture([], { network: { mac: "01:02:03:04:05:06:07" } }), 0xf6, 1, 3)).toEqual([1, 2, 3, 4, 5, 6])
  })
})

describe("Message Router, class attributes and Identity values", () => {
  it("the Message Router lists the classes it routes to and the connection limit", () => {
    const f = fixture([], { maxConnections: 300 })
    expect(get(f, 2, 1, 1)).toEqual([8, 0, 0x01, 0, 0x02, 0, 0x06, 0, 0x6b, 0, 0x6c, 0, 0x8b, 0, 0xf5, 0, 0xf6, 0])
    expect(get(f, 2, 1, 2)).toEqual([0x2c, 0x01])
    expect(get(fixture([]), 2, 1, 2)).toEqual([0, 1]) // 256 by default
  })

  it("class attributes (instance 0): revision, max instance, number of instances", () => {
    const f = fixture([])
    for (const c of [1, 2, 6]) expect(bytes(all(f, c, 0)), `class ${c}`).toEqual([1, 0, 1, 0, 1, 0])
    for (const c of [0xf5, 0xf6]) expect(bytes(all(f, c, 0)), `class ${c}`).toEqual([4, 0, 1, 0, 1, 0])
    expect(bytes(all(f, 1))).toEqual([1, 0, 1, 0, 1, 0]) // the class alone is instance 0
    expect(get(f, 1, 0, 3)).toEqual([1, 0])
  })

  it("Identity carries every configured value, and Get Attributes All stops at the product name", () => {
    const identity = {
      vendor: 0x1234, deviceType: 0x0c, productCode: 0x4567, revision: [0x1f2, 0x1f3] as const, status: 0x0030,
      serial: 0xa1b2c3d4, productName: "X", state: 3, configConsistency: 0xbeef, heartbeat: 0x1ab
    }
    const f = fixture([], { identity })
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((a) => get(f, 1, 1, a))).toEqual([
      [0x34, 0x12], [0x0c, 0], [0x67, 0x45], [0xf2, 0xf3], [0x30, 0], [0xd4, 0xc3, 0xb2, 0xa1], [1, 0x58], [3], [0xef, 0xbe], [0xab]
    ])
    expect(bytes(all(f, 1, 1))).toEqual([0x34, 0x12, 0x0c, 0, 0x67, 0x45, 0xf2, 0xf3, 0x30, 0, 0xd4, 0xc3, 0xb2, 0xa1, 1, 0x58])
    expect(f.ctl.identityConfig).toMatchObject({ vendor: 0x1234, heartbeat: 0x1ab })
  })

  it("a product name over 255 characters is cut to 255 (a SHORT_STRING); the controller name is a full STRING", () => {
    const long = "N".repeat(300)
    const name = get(fixture([], { identity: { productName: long } }), 1, 1, 7)
    expect(name.length).toBe(256)
    expect(name[0]).toBe(255)
    expect(name.slice(1)).toEqual(chars(long.slice(0, 255)))
    const ctl = get(fixture([], { controllerName: long }), 0x64, 1, 1)
    expect(ctl.slice(0, 2)).toEqual([300 & 0xff, 300 >> 8])
    expect(ctl.slice(2)).toEqual(chars(long))
    expect(get(fixture([]), 0x64, 1, 1)).toEqual([9, 0, ...chars("Simulator")])
  })

  it("objects it does not have, instances it does not have, and attributes it does not have", () => {
    const f = fixture([])
    const r: CipReply = f.sync({ _tag: "GetAttributesAll", path: [cls(1), ins(2)] })
    expect(r).toMatchObject({ _tag: "Error", service: 0x81, status: 0x16 })
    expect(all(f, 0x99, 1)).toMatchObject({ _tag: "Error", service: 0x81, status: 0x05, extStatus: [0] })
    expect(f.sync({ _tag: "GetAttributesAll", path: [cls(1), ins(1), att(1)] })).toMatchObject({ status: 0x04 })
    expect(f.sync({ _tag: "GetAttributeSingle", path: [cls(0xf6), ins(1), att(4)] })).toMatchObject({ status: 0x14 })
  })
})
