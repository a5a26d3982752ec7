/**
 * `cpppo enip server` flags through the real binary (node dist/cli/bin.js): --web-token,
 * --max-sessions, --idle-timeout, and the defaults the README gives for the last two (2048 is
 * held by test/server/defaults.test.ts; here: that the CLI passes nothing else through).
 */
import { afterEach, describe, expect, it } from "vitest"
import { apiGet, rawConnect, rawSession, type Simulator, startSimulator } from "../web/simulator.js"

let running: Array<Simulator> = []
afterEach(async () => {
  await Promise.all(running.map((s) => s.stop()))
  running = []
})
const start = async (extra: ReadonlyArray<string>) => {
  const sim = await startSimulator(["SCADA=INT[10]"], extra)
  running.push(sim)
  return sim
}
const timeoutOf = async (sim: Simulator) => (await apiGet(sim.web, "/api/server/control/timeout")).body.command!.value

describe("cpppo enip server flags (real binary)", () => {
  it("--web-token TOKEN: a state-changing web command needs 'Authorization: Bearer TOKEN'; reads stay open", async () => {
    const sim = await start(["--web-token", "s3cret"])
    const set = (headers: Record<string, string>) =>
      fetch(`${sim.web}/api/tags/SCADA/attribute[1]=77`, { headers: { accept: "application/json", ...headers }, signal: AbortSignal.timeout(5000) })
    const refused = await set({})
    expect(refused.status).toBe(401)
    expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer/)
    expect((await set({ authorization: "Bearer wrong" })).status).toBe(401)
    expect((await apiGet(sim.web, "/api/tags/SCADA/attribute[1]")).body.command!.value).toEqual({ SCADA: 0 })
    expect((await set({ authorization: "Bearer s3cret" })).status).toBe(200)
    expect((await apiGet(sim.web, "/api/tags/SCADA/attribute[1]")).body.command!.value).toEqual({ SCADA: 77 })
  }, 60_000)

  it("no --web-token: the same command is accepted without a token", async () => {
    const sim = await start([])
    const r = await fetch(`${sim.web}/api/tags/SCADA/attribute[1]=5`, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(5000) })
    expect(r.status).toBe(200)
  }, 60_000)

  it("--max-sessions 2: two sessions are held, a third connection is closed at once; idle timeout defaults to 120 s", async () => {
    const sim = await start(["--max-sessions", "2"])
    expect(await timeoutOf(sim)).toEqual({ control: 120 })
    const held = [await rawSession(sim.enip.host, sim.enip.port), await rawSession(sim.enip.host, sim.enip.port)]
    try {
      const third = await rawConnect(sim.enip.host, sim.enip.port)
      const closed = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), 3000)
        third.once("close", () => { clearTimeout(t); resolve(true) })
        third.resume()
      })
      third.destroy()
      expect(closed).toBe(true)
      expect(await held[0]!.closed(300)).toBe(false)
      expect(await held[1]!.closed(10)).toBe(false)
    } finally {
      for (const s of held) s.socket.destroy()
    }
  }, 60_000)

  it("--idle-timeout 0.5: an idle session is closed after about half a second; the control state says 0.5", async () => {
    const sim = await start(["--idle-timeout", "0.5"])
    expect(await timeoutOf(sim)).toEqual({ control: 0.5 })
    const s = await rawSession(sim.enip.host, sim.enip.port)
    try {
      // Closed by the idle timeout (120 s by default, so not by that), within a generous guard.
      expect(await s.closed(10_000)).toBe(true)
    } finally {
      s.socket.destroy()
    }
  }, 60_000)
})
