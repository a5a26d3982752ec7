/** A short soak (the CI version of `npm run bench -- soak`). */
import { describe, expect, it } from "vitest"
import { runSoak } from "../../scripts/fuzz/soak.js"

describe("soak", () => {
  it("12 s of sessions writing/reading with verification while the web API toggles delay, tag errors, eof and disable: no wrong value, no leak", async () => {
    const r = await runSoak({ seconds: 12, clients: 16, chaosEvery: 1 })
    expect(r.mismatches).toBe(0)
    // Enough verified values to mean something, whatever the speed of a shared runner (speed is
    // measured by `npm run bench -- soak`, not here).
    expect(r.verified).toBeGreaterThan(100)
    expect(r.sessions).toBeGreaterThan(50)
    // Every fault kind was exercised and seen by the clients.
    expect([...r.toggles.keys()].sort()).toEqual(["delay", "disable/enable", "eof (drop all)", "tag error"])
    expect([...r.errors.keys()].some((k) => k.includes("forced tag error"))).toBe(true)
    expect(r.webFailures).toEqual([])
    expect(r.leakedSessions).toBe(0)
    expect(r.leakedConnections).toBe(0)
    expect(r.closed).toBe(r.accepted)
    expect(r.finalCheck).toBe(true)
  }, 60_000)
})
