/**
 * Process-wide limits without sockets: sessions per peer and in all (admit / release), the memory
 * budget (charge / update / release, shedding the largest first), the descriptor arithmetic and
 * the per-server peer view a fleet uses. The same limits over real sockets: test/hardening/memory.test.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import { FD_RESERVE, makeProcessLimits, perServerPeers, ProcessLimits, readFdLimit, sessionsForFds } from "../../src/server/limits.js"

const admitted = (r: (() => void) | "peer" | "total"): () => void => {
  if (typeof r !== "function") throw new Error(`refused: ${r}`)
  return r
}

describe("process limits: sessions", () => {
  it("defaults: 64 per peer, 256 MiB, sessions from the descriptor limit less 64", () => {
    const l = makeProcessLimits({ fdLimit: 1000 })
    expect([l.maxSessionsPerPeer, l.maxBytes, l.maxSessions, l.fdLimit]).toEqual([64, 256 * 1024 * 1024, 1000 - 64, 1000])
    expect(FD_RESERVE).toBe(64)
    expect(sessionsForFds(undefined)).toBe(Infinity)
    expect(sessionsForFds(65)).toBe(1)
    expect(sessionsForFds(10)).toBe(1) // never below one
    expect(sessionsForFds(200)).toBe(136)
    // nonsense options are raised to one
    const one = makeProcessLimits({ maxBytes: 0, maxSessionsPerPeer: -3, fdLimit: undefined })
    expect([one.maxBytes, one.maxSessionsPerPeer, one.maxSessions]).toEqual([1, 1, Infinity])
    // without fdLimit, the system's limit is read (Linux: /proc/self/limits)
    expect(makeProcessLimits().fdLimit).toBe(readFdLimit())
    if (process.platform === "linux") expect(readFdLimit()).toBeGreaterThan(0)
  })

  it("a peer gets maxSessionsPerPeer sessions; a release (once, however often called) frees one", () => {
    const l = makeProcessLimits({ maxSessionsPerPeer: 2, fdLimit: undefined })
    const a1 = admitted(l.admit("a"))
    const a2 = admitted(l.admit("a"))
    expect(l.admit("a")).toBe("peer")
    const b1 = admitted(l.admit("b"))
    expect(l.stats()).toEqual({ held: 0, sessions: 3, shed: 0, refusedPerPeer: 1, refusedTotal: 0 })
    a1()
    a1() // a second release of the same session changes nothing
    expect(l.stats().sessions).toBe(2)
    const a3 = admitted(l.admit("a"))
    expect(l.admit("a")).toBe("peer")
    expect(l.stats()).toMatchObject({ sessions: 3, refusedPerPeer: 2 })
    a2(); a3(); b1()
    expect(l.stats().sessions).toBe(0)
    // all of a's sessions gone: it gets its full count again
    admitted(l.admit("a")); admitted(l.admit("a"))
    expect(l.admit("a")).toBe("peer")
  })

  it("the process takes maxSessions in all, whatever the peers; a release makes room", () => {
    const l = makeProcessLimits({ fdLimit: FD_RESERVE + 3 })
    expect(l.maxSessions).toBe(3)
    const r = ["a", "b", "c"].map((p) => admitted(l.admit(p)))
    expect(l.admit("d")).toBe("total")
    expect(l.admit("a")).toBe("total")
    expect(l.stats()).toMatchObject({ sessions: 3, refusedTotal: 2, refusedPerPeer: 0 })
    r[1]!()
    admitted(l.admit("d"))
    expect(l.admit("e")).toBe("total")
  })

  it("a fleet server's view counts its own sessions per peer, the process's sessions in all", () => {
    const shared = makeProcessLimits({ maxSessionsPerPeer: Infinity, fdLimit: FD_RESERVE + 5 })
    const one = perServerPeers(shared, 2)
    const two = perServerPeers(shared)
    expect([one.maxSessionsPerPeer, two.maxSessionsPerPeer]).toEqual([2, 64])
    const x1 = admitted(one.admit("h"))
    const x2 = admitted(one.admit("h"))
    expect(one.admit("h")).toBe("peer") // this server's limit for h
    const y = [admitted(two.admit("h")), admitted(two.admit("h")), admitted(two.admit("h"))] // the other server still takes h
    expect(two.admit("h")).toBe("total") // but the process is full (5)
    expect(one.stats()).toMatchObject({ sessions: 5, refusedPerPeer: 1, refusedTotal: 1 })
    expect(two.stats()).toMatchObject({ sessions: 5, refusedPerPeer: 0, refusedTotal: 1 })
    x1()
    x1()
    expect(shared.stats().sessions).toBe(4)
    admitted(one.admit("h")) // h has one on this server again
    expect(one.admit("h")).toBe("peer")
    x2()
    for (const r of y) r()
    expect(shared.stats().sessions).toBe(1)
    // a refusal by the process is not counted against the server's peer
    const full = perServerPeers(makeProcessLimits({ fdLimit: FD_RESERVE + 1 }), 5)
    admitted(full.admit("p"))
    expect(full.admit("p")).toBe("total")
    expect(full.admit("p")).toBe("total")
  })

  it("ProcessLimits.layer builds one set of limits from its options", () =>
    Effect.gen(function* () {
      const l = yield* ProcessLimits
      expect([l.maxBytes, l.maxSessionsPerPeer, l.maxSessions]).toEqual([1234, 7, 9])
    }).pipe(Effect.provide(ProcessLimits.layer({ maxBytes: 1234, maxSessionsPerPeer: 7, fdLimit: FD_RESERVE + 9 })), Effect.runPromise))
})

describe("process limits: one memory budget", () => {
  const setup = (maxBytes: number) => {
    const limits = makeProcessLimits({ maxBytes, fdLimit: undefined })
    const held = new Map<string, number>()
    const shed: Array<string> = []
    const charges = new Map<string, { update: () => void; release: () => void }>()
    const add = (name: string) => {
      held.set(name, 0)
      charges.set(name, limits.charge({ held: () => held.get(name)!, shed: () => { shed.push(name) } }))
    }
    const set = (name: string, bytes: number) => { held.set(name, bytes); charges.get(name)!.update() }
    return { limits, held, shed, charges, add, set }
  }

  it("holding exactly the budget sheds no one; one byte more sheds the largest holder", () => {
    const t = setup(100)
    t.add("a"); t.add("b")
    t.set("a", 60)
    t.set("b", 40)
    expect(t.shed).toEqual([])
    expect(t.limits.stats().held).toBe(100)
    t.set("a", 61)
    expect(t.shed).toEqual(["a"])
    expect(t.limits.stats()).toMatchObject({ held: 40, shed: 1 })
    // a shed holder's updates no longer count
    t.set("a", 500)
    expect(t.limits.stats().held).toBe(40)
    expect(t.shed).toEqual(["a"])
  })

  it("measures again before shedding: bytes sent since an update are not held against anyone", () => {
    const t = setup(100)
    t.add("a"); t.add("b")
    t.set("a", 90)
    t.held.set("a", 0) // a's replies went out; no update yet
    t.set("b", 50) // 140 as last counted, but 50 in fact
    expect(t.shed).toEqual([])
    expect(t.limits.stats().held).toBe(50)
  })

  it("sheds largest first, as many as it takes, and a release (once) gives the bytes back", () => {
    const t = setup(100)
    for (const n of ["a", "b", "c", "d"]) t.add(n)
    t.set("a", 10); t.set("b", 30); t.set("c", 40)
    t.held.set("b", 60); t.held.set("c", 70) // grew since: measured when someone pushes it over
    t.set("d", 50) // 130 as counted, 190 measured: c (70) then b (60) go, 60 is within
    expect(t.shed).toEqual(["c", "b"])
    expect(t.limits.stats()).toMatchObject({ held: 60, shed: 2 })
    t.charges.get("d")!.release()
    t.charges.get("d")!.release()
    expect(t.limits.stats().held).toBe(10)
    t.charges.get("c")!.release() // shed already: nothing to give back
    expect(t.limits.stats().held).toBe(10)
  })

  it("counts what each update says, down as well as up; a shed holder's later updates count for nothing", () => {
    const t = setup(100)
    t.add("a"); t.add("b")
    t.set("a", 10)
    t.set("a", 5)
    expect(t.limits.stats().held).toBe(5)
    t.set("b", 96)
    expect(t.shed).toEqual(["b"])
    t.set("b", 0)
    expect(t.limits.stats().held).toBe(5)
  })

  it("sheds only past the budget as counted (stale counts stand until then), and of equal holders the first", () => {
    const t = setup(100)
    t.add("a"); t.add("b"); t.add("c")
    t.set("a", 60)
    t.held.set("a", 0) // sent since, not yet updated
    t.set("b", 40) // counted 100: within the budget, nothing re-measured
    expect(t.limits.stats().held).toBe(100)
    expect(t.shed).toEqual([])
    t.set("a", 50)
    t.set("b", 50)
    t.set("c", 1) // 101 counted and measured: a and b hold the most, equally; the first goes
    expect(t.shed).toEqual(["a"])
    expect(t.limits.stats().held).toBe(51)
  })

  it("re-measured at exactly the budget after being counted over it, no one is shed", () => {
    const t = setup(100)
    t.add("a"); t.add("b")
    t.set("a", 60)
    t.held.set("a", 59)
    t.set("b", 41) // counted 101, measured 100
    expect(t.shed).toEqual([])
    expect(t.limits.stats().held).toBe(100)
  })
})

describe("the descriptor limit", () => {
  it.skipIf(process.platform !== "linux")("is the soft limit on open files the system reports", () => {
    const shell = execFileSync("sh", ["-c", "ulimit -Sn"], { encoding: "utf8" }).trim()
    expect(readFdLimit()).toBe(shell === "unlimited" ? undefined : Number(shell))
  })
})
