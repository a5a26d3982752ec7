/**
 * Each web API command against the running CLI simulator, its effect checked through an
 * EtherNet/IP client (the project client for tag I/O, a raw session for connection state).
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { Client, OperationFailed } from "../../src/client/client.js"
import { apiGet, rawConnect, rawSession, type Simulator, startSimulator } from "./simulator.js"

/** Connect a client, run `f`, disconnect; all within a time limit. */
const withClient = <A, E>(sim: Simulator, f: (c: Effect.Effect.Success<ReturnType<typeof Client.connect>>) => Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.scoped(Effect.flatMap(
    Client.connect({ host: sim.enip.host, port: sim.enip.port, timeout: "3 seconds" }), f)).pipe(Effect.timeout("10 seconds")))


describe("web API against the running simulator (e2e)", () => {
  let sim: Simulator
  beforeAll(async () => { sim = await startSimulator(["SCADA=INT[10]", "TEXT=SSTRING"]) }, 40_000)
  afterAll(async () => { await sim?.stop() })

  it("attribute write → the client reads the new value; a client write shows in the API", async () => {
    const w = await apiGet(sim.web, "/api/tags/SCADA/attribute[3]=4")
    expect(w.body.command).toMatchObject({ success: true })
    const values = await withClient(sim, (c) => c.read("SCADA[0-4]"))
    expect(values).toEqual([0, 0, 0, 4, 0])
    await withClient(sim, (c) => c.write("SCADA[5]", [-321], "INT"))
    const r = await apiGet(sim.web, "/api/tags/SCADA/attribute[5]")
    expect(r.body.command!.value).toEqual({ SCADA: -321 })
  })

  it("delay 0.5 → a read takes at least 0.5 s; delay 0 → it does not", async () => {
    const timed = await withClient(sim, (c) => Effect.gen(function* () {
      yield* c.read("SCADA[0]") // session up before timing
      expect((yield* Effect.promise(() => apiGet(sim.web, "/api/options/delay/value=0.5"))).body.command).toMatchObject({ success: true })
      const t0 = performance.now()
      yield* c.read("SCADA[0]")
      const slow = performance.now() - t0
      yield* Effect.promise(() => apiGet(sim.web, "/api/options/delay/value=0"))
      const t1 = performance.now()
      yield* c.read("SCADA[0]")
      return { slow, fast: performance.now() - t1 }
    }))
    expect(timed.slow).toBeGreaterThanOrEqual(500)
    expect(timed.fast).toBeLessThan(400)
  })

  it("error=8 → the read returns status 8; error/0 → success", async () => {
    expect((await apiGet(sim.web, "/api/tags/SCADA/error=8")).body.command).toMatchObject({ success: true })
    const failed = await withClient(sim, (c) => Effect.either(c.read("SCADA[0]")))
    expect(Either.isLeft(failed)).toBe(true)
    const err = Either.isLeft(failed) ? failed.left : undefined
    expect(err).toBeInstanceOf(OperationFailed)
    expect((err as OperationFailed).result.status).toBe(8)
    expect((await apiGet(sim.web, "/api/tags/SCADA/error/0")).body.command).toMatchObject({ success: true })
    expect(await withClient(sim, (c) => c.read("SCADA[3]"))).toEqual([4])
  })

  it("connections/<key>/eof → that client's connection closes, others stay", async () => {
    const a = await rawSession(sim.enip.host, sim.enip.port)
    const b = await rawSession(sim.enip.host, sim.enip.port)
    try {
      const key = `127_0_0_1_${a.localPort}`
      const list = await apiGet(sim.web, "/api/connections")
      expect(list.body.data["connections"]![key]).toMatchObject({ interface: "127.0.0.1", port: a.localPort, eof: false })
      const eof = await apiGet(sim.web, `/api/connections/${key}/eof/true`)
      expect(eof.body.command).toMatchObject({ success: true })
      expect(await a.closed(2000)).toBe(true)
      expect(await b.closed(300)).toBe(false)
      await apiGet(sim.web, "/api/connections/*/eof=true")
      expect(await b.closed(2000)).toBe(true)
    } finally {
      a.socket.destroy()
      b.socket.destroy()
    }
  })

  it("disable → connecting is refused and sessions drop; enable → accepted again", async () => {
    const s = await rawSession(sim.enip.host, sim.enip.port)
    try {
      expect((await apiGet(sim.web, "/api/server/control/disable=true")).body.command).toMatchObject({ success: true })
      expect(await s.closed(2000)).toBe(true)
      const refused = await rawConnect(sim.enip.host, sim.enip.port).then((sock) => { sock.destroy(); return "connected" }, (e: NodeJS.ErrnoException) => e.code)
      expect(refused).toBe("ECONNREFUSED")
      expect((await apiGet(sim.web, "/api/server/control/disable=false")).body.command).toMatchObject({ success: true })
      // The reply to enable comes once the port is listening again (ServerControl waits for the
      // listener's signal), so the very first attempt connects: no retry.
      const again = await rawSession(sim.enip.host, sim.enip.port)
      again.socket.destroy()
      expect(await withClient(sim, (c) => c.read("SCADA[3]"))).toEqual([4])
    } finally {
      s.socket.destroy()
    }
  })
})

describe("server/control/done (e2e)", () => {
  it("done → the process exits 0", async () => {
    const sim = await startSimulator(["SCADA=INT[10]"])
    try {
      const r = await apiGet(sim.web, "/api/server/control/done=true")
      expect(r.body.command).toMatchObject({ success: true })
      const code = await Promise.race([sim.exited, new Promise<"timeout">((res) => setTimeout(() => res("timeout"), 10_000))])
      expect(code).toBe(0)
    } finally {
      await sim.stop()
    }
  }, 45_000)
})
