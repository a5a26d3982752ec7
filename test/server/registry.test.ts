/**
 * The connection registry (src/server/registry.ts): session keys as cpppo's web API spells them,
 * entries added, found and removed, the accepted / refused / closed totals, and eof / drop-all
 * marking the sessions and dropping them.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { ConnectionRegistry, ConnectionRegistryLive, makeConnectionRegistry, type SessionEntry, sessionKey } from "../../src/server/registry.js"

const entry = (address: string, port: number, dropped: Array<string>): SessionEntry => {
  const key = sessionKey(address, port)
  return {
    key, interface: address, port, local: "127.0.0.1", localPort: 44818, since: 0,
    received: 0, requests: 0, eof: false, drop: () => { dropped.push(key) }
  }
}

describe("ConnectionRegistry", () => {
  it("keys sessions as cpppo does: dots and colons become underscores, the port appended", () => {
    expect(sessionKey("127.0.0.1", 52590)).toBe("127_0_0_1_52590")
    expect(sessionKey("::1", 7)).toBe("__1_7")
    expect(sessionKey("fe80::1:2", 44818)).toBe("fe80__1_2_44818")
  })

  it("adds, finds, lists and removes entries; counts accepted, refused and closed", () => {
    const r = makeConnectionRegistry()
    const dropped: Array<string> = []
    const a = entry("127.0.0.1", 1000, dropped)
    const b = entry("127.0.0.2", 2000, dropped)
    expect(r.size()).toBe(0)
    r.add(a)
    r.add(b)
    r.countAccepted()
    r.countAccepted()
    r.countRefused()
    expect(r.size()).toBe(2)
    expect(r.get(a.key)).toBe(a)
    expect(r.get("nobody")).toBeUndefined()
    expect(r.entries().map((e) => e.key)).toEqual([a.key, b.key])
    r.remove(a.key)
    r.remove(a.key) // removing twice closes once
    r.remove("nobody")
    expect(r.size()).toBe(1)
    expect(r.get(a.key)).toBeUndefined()
    expect(r.stats()).toEqual({ accepted: 2, refused: 1, closed: 1 })
    expect(dropped).toEqual([])
  })

  it("setEof marks and drops one session, and says whether there was one", () =>
    Effect.gen(function* () {
      const r = yield* ConnectionRegistry
      const dropped: Array<string> = []
      const a = entry("127.0.0.1", 1000, dropped)
      const b = entry("127.0.0.1", 1001, dropped)
      r.add(a)
      r.add(b)
      expect(yield* r.setEof(a.key)).toBe(true)
      expect(a.eof).toBe(true)
      expect(b.eof).toBe(false)
      expect(dropped).toEqual([a.key])
      expect(yield* r.setEof("nobody")).toBe(false)
      expect(dropped).toEqual([a.key])
    }).pipe(Effect.provide(ConnectionRegistryLive), Effect.runPromise))

  it("dropAll marks and drops every session and counts them", () =>
    Effect.gen(function* () {
      const r = makeConnectionRegistry()
      expect(yield* r.dropAll).toBe(0)
      const dropped: Array<string> = []
      const all = [entry("127.0.0.1", 1, dropped), entry("127.0.0.1", 2, dropped), entry("::1", 3, dropped)]
      for (const e of all) r.add(e)
      expect(yield* r.dropAll).toBe(3)
      expect(all.map((e) => e.eof)).toEqual([true, true, true])
      expect(dropped).toEqual(all.map((e) => e.key))
    }).pipe(Effect.runPromise))
})
