/**
 * The Connection Manager's connection table on its own: ids, timeouts from RPI × multiplier (to
 * the millisecond), lazy and swept expiry, and what each session and peer holds.
 */
import { describe, expect, it, vi } from "@effect/vitest"
import type { ForwardOpenRequest } from "../../src/cip/model.js"
import { makeConnectionTable } from "../../src/device/connections.js"
import { connParams, forwardOpenRequest } from "./helpers.js"

const params = connParams
const fo = (over: Partial<ForwardOpenRequest> = {}): ForwardOpenRequest => forwardOpenRequest({
  toConnectionId: 0x11223344, connectionSerial: 1, originatorSerial: 9, otRpi: 100_000, otParams: params(500), toParams: params(510), ...over
})

describe("connection table", () => {
  it("keeps what the Forward Open asked for; the reply room is the T→O size less the sequence count", () => {
    const t = makeConnectionTable(() => 5000)
    const c = t.open(3, "10.0.0.1", fo({ large: true }))
    expect(c).toMatchObject({
      session: 3, peer: "10.0.0.1", toConnectionId: 0x11223344, connectionSerial: 1, originatorVendor: 0x1234, originatorSerial: 9,
      large: true, otSize: 500, toSize: 510, maxReply: 508, lastActivity: 5000, lastReply: undefined
    })
    expect(c.otConnectionId).toBeGreaterThan(0)
    expect(c.otConnectionId).toBeLessThanOrEqual(0xfffffffe)
    expect(t.open(3, "", fo({ connectionSerial: 2, toParams: params(1) })).maxReply).toBe(0)
    expect(t.open(3, "", fo({ connectionSerial: 3, toParams: params(2) })).maxReply).toBe(0)
    expect(t.open(3, "", fo({ connectionSerial: 4, toParams: params(3) })).maxReply).toBe(1)
    // ids are distinct
    const ids = new Set(Array.from({ length: 200 }, (_, i) => t.open(4, "", fo({ connectionSerial: 100 + i })).otConnectionId))
    expect(ids.size).toBe(200)
  })

  it("times out after RPI × (4 << multiplier), the multiplier taken within 0..7", () => {
    const t = makeConnectionTable(() => 0)
    const timeout = (otRpi: number, timeoutMultiplier: number, n: number) =>
      t.open(1, "", fo({ otRpi, timeoutMultiplier, connectionSerial: n })).timeoutMs
    expect(timeout(100_000, 0, 1)).toBe(400)
    expect(timeout(100_000, 1, 2)).toBe(800)
    expect(timeout(100_000, 3, 3)).toBe(3200)
    expect(timeout(100_000, 7, 4)).toBe(51_200)
    expect(timeout(100_000, 9, 5)).toBe(51_200)
    expect(timeout(100_000, -1, 6)).toBe(400)
    expect(timeout(2500, 2, 7)).toBe(40)
  })

  it("a connection lives until its timeout has passed (not at it); touch restarts the clock; lookup drops an expired one", () => {
    let now = 1000
    const t = makeConnectionTable(() => now)
    const c = t.open(1, "p", fo()) // 400 ms
    now = 1400
    expect(t.lookup(c.otConnectionId)).toBe(c)
    now = 1401
    expect(t.findTriple(1, 0x1234, 9)).toBe(c) // only lookup and expire drop it
    expect(t.lookup(c.otConnectionId)).toBeUndefined()
    expect(t.findTriple(1, 0x1234, 9)).toBeUndefined() // dropped from both indexes
    expect(t.size()).toBe(0)
    const d = t.open(1, "p", fo())
    now = 1700
    d.touch()
    expect(d.lastActivity).toBe(1700)
    now = 2100
    expect(t.lookup(d.otConnectionId)).toBe(d)
    expect(t.lookup(12345)).toBeUndefined()
  })

  it("expire sweeps the connections idle past their timeout at the time given, and returns them", () => {
    let now = 0
    const t = makeConnectionTable(() => now)
    const short = t.open(1, "a", fo({ connectionSerial: 1 })) // 400 ms
    const long = t.open(1, "a", fo({ connectionSerial: 2, timeoutMultiplier: 2 })) // 1600 ms
    expect(t.expire(400)).toEqual([])
    expect(t.expire(401)).toEqual([short])
    expect(t.all()).toEqual([long])
    expect(t.findTriple(1, 0x1234, 9)).toBeUndefined()
    expect(t.findTriple(2, 0x1234, 9)).toBe(long)
    expect(t.expire(1601)).toEqual([long])
    expect(t.size()).toBe(0)
  })

  it("counts per session and per peer; closing a session closes only its own; close removes one", () => {
    const t = makeConnectionTable(() => 0)
    const a = [1, 2, 3].map((n) => t.open(10, "h1", fo({ connectionSerial: n })))
    t.open(11, "h1", fo({ connectionSerial: 4 }))
    t.open(12, "h2", fo({ connectionSerial: 5 }))
    expect([t.sessionSize(10), t.sessionSize(11), t.sessionSize(99)]).toEqual([3, 1, 0])
    expect([t.peerSize("h1"), t.peerSize("h2"), t.peerSize("h3")]).toEqual([4, 1, 0])
    t.close(a[0]!)
    expect([t.size(), t.sessionSize(10), t.peerSize("h1")]).toEqual([4, 2, 3])
    expect(t.findTriple(1, 0x1234, 9)).toBeUndefined()
    expect(t.lookup(a[0]!.otConnectionId)).toBeUndefined()
    expect(t.closeSession(10)).toBe(2)
    expect(t.closeSession(10)).toBe(0)
    expect(t.all().map((c) => c.session)).toEqual([11, 12])
    expect(t.findTriple(2, 0x1234, 9)).toBeUndefined()
    expect(t.findTriple(4, 0x1234, 9)!.session).toBe(11)
  })

  it("chooses ids from 1 to 0xFFFFFFFE, never one in use even when the random source repeats itself", () => {
    const t = makeConnectionTable(() => 0)
    const random = vi.spyOn(Math, "random")
    try {
      random.mockReturnValueOnce(0)
      expect(t.open(1, "", fo({ connectionSerial: 1 })).otConnectionId).toBe(1)
      random.mockReturnValueOnce(0.999999999999)
      expect(t.open(1, "", fo({ connectionSerial: 2 })).otConnectionId).toBe(0xfffffffe)
      random.mockReturnValueOnce(0).mockReturnValueOnce(0).mockReturnValueOnce(0.5)
      expect(t.open(1, "", fo({ connectionSerial: 3 })).otConnectionId).toBe(Math.floor(0.5 * 0xfffffffe) + 1)
      expect(t.size()).toBe(3)
    } finally {
      random.mockRestore()
    }
  })
})
