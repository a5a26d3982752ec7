/**
 * What a simulator's config hands to the controller and the server (src/server/simulator.ts),
 * seen through the controller it builds: the Forward Open limits (total, per session, per peer),
 * the TCP/IP Interface values, the traffic counters the server keeps, the process-wide byte bound,
 * and the sweeper of idle Forward Open connections (its period, its end with the scope).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Logger, LogLevel, Scope } from "effect"
import type { CipReply, CipRequest, ForwardOpenRequest } from "../../src/cip/model.js"
import { makeSimulator, type SimulatorConfig, type SimulatorService } from "../../src/server/simulator.js"
import { att, cls, forwardOpenRequest, ins } from "../device/helpers.js"
import { isClosed, nextFrame, rawClient, readTagCip, register, sendRR, statusOf } from "./fixture.js"

const quiet = Logger.minimumLogLevel(LogLevel.Warning)
const base: SimulatorConfig = { host: "127.0.0.1", port: 0, tags: ["X=DINT"], udp: false }
const sim = (config: Partial<SimulatorConfig>) => makeSimulator({ ...base, ...config }).pipe(Effect.provide(quiet))

/** The controller's reply to one request (answered at once or after its effect). */
const ask = (s: SimulatorService, request: CipRequest, session = 1, peer = "10.0.0.1") =>
  Effect.suspend(() => {
    const r = s.device.handle(request, { session, peer, maxReply: 504 })
    return Effect.isEffect(r) ? r : Effect.succeed(r)
  })
let serial = 0
/** A Forward Open from `session` at `peer`; its reply's tag. */
const open = (s: SimulatorService, session = 1, peer = "10.0.0.1", over: Partial<ForwardOpenRequest> = {}) =>
  Effect.map(ask(s, forwardOpenRequest({ connectionSerial: ++serial, ...over }), session, peer), (r: CipReply) => r._tag)

describe("a simulator's config, as its controller and server see it", () => {
  it.scopedLive("Forward Open limits: in all, per session, per peer", () =>
    Effect.gen(function* () {
      const total = yield* sim({ maxConnections: 1 })
      expect(yield* open(total, 1, "a")).toBe("ForwardOpen")
      expect(yield* open(total, 2, "b")).toBe("ForwardOpenFailed")
      const perSession = yield* sim({ maxConnectionsPerSession: 1 })
      expect(yield* open(perSession, 1)).toBe("ForwardOpen")
      expect(yield* open(perSession, 1)).toBe("ForwardOpenFailed")
      expect(yield* open(perSession, 2)).toBe("ForwardOpen")
      const perPeer = yield* sim({ maxConnectionsPerPeer: 1 })
      expect(yield* open(perPeer, 1, "p")).toBe("ForwardOpen")
      expect(yield* open(perPeer, 2, "p")).toBe("ForwardOpenFailed")
      expect(yield* open(perPeer, 3, "q")).toBe("ForwardOpen")
      // The defaults hold more than one of each.
      const plain = yield* sim({})
      expect(yield* open(plain, 1, "p")).toBe("ForwardOpen")
      expect(yield* open(plain, 1, "p")).toBe("ForwardOpen")
    }))

  it.scopedLive("the network values answer in the TCP/IP Interface object (host name, attribute 6)", () =>
    Effect.gen(function* () {
      const hostOf = (s: SimulatorService) =>
        Effect.map(ask(s, { _tag: "GetAttributeSingle", path: [cls(0xf5), ins(1), att(6)] }), (r) => {
          const data = (r as { data?: Uint8Array }).data ?? new Uint8Array(0)
          return Buffer.from(data.subarray(2, 2 + Buffer.from(data).readUInt16LE(0))).toString("latin1")
        })
      expect(yield* hostOf(yield* sim({ network: { hostName: "probe-host" } }))).toBe("probe-host")
      expect(yield* hostOf(yield* sim({}))).toBe("")
    }))

  it.scopedLive("the server counts requests and bytes into the simulator's stats", () =>
    Effect.gen(function* () {
      const s = yield* sim({})
      const c = yield* rawClient(s.server.address.port)
      const session = yield* register(c)
      c.send(sendRR(session, readTagCip("X")))
      expect(statusOf(yield* nextFrame(c))).toBe(0)
      expect(s.stats.bytesIn).toBeGreaterThan(0)
      expect(s.stats.bytesOut).toBeGreaterThan(0)
      expect(s.stats.requests.size).toBeGreaterThan(0)
    }))

  it.scopedLive("the process-wide byte bound: requests held under a delay past it close the session", () =>
    Effect.gen(function* () {
      const tight = yield* sim({ maxBufferedBytes: 1, delay: 0.2 })
      const a = yield* rawClient(tight.server.address.port)
      a.send("6500" + "0400" + "00".repeat(20) + "01000000")
      expect(yield* isClosed(a)).toBe(true)
      const roomy = yield* sim({ delay: 0.2 })
      const b = yield* rawClient(roomy.server.address.port)
      expect(yield* register(b)).not.toBe(0)
    }))
})

describe("the sweeper of idle Forward Open connections", () => {
  // O→T RPI 10 ms × 4: idle past 40 ms. The sweep runs every `latency` seconds (0.5 by default).
  const short = { otRpi: 10_000, timeoutMultiplier: 0 }

  it.scopedLive("sweeps every `latency` seconds, not sooner; a changed latency sets the next period", () =>
    Effect.gen(function* () {
      const s = yield* sim({})
      expect(yield* open(s, 1, "p", short)).toBe("ForwardOpen")
      yield* Effect.sleep("250 millis") // long idle, but the first sweep is at 0.5 s
      expect(s.device.connections()).toHaveLength(1)
      for (let i = 0; i < 150 && s.device.connections().length > 0; i++) yield* Effect.sleep("10 millis")
      expect(s.device.connections()).toHaveLength(0)
      yield* s.control.setLatency(0.05) // later sweeps at the new period
      expect(yield* open(s, 1, "p", short)).toBe("ForwardOpen")
      for (let i = 0; i < 100 && s.device.connections().length > 0; i++) yield* Effect.sleep("10 millis")
      expect(s.device.connections()).toHaveLength(0)
    }))

  it.live("stops with the simulator's scope", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const s = yield* Scope.extend(sim({}), scope)
      yield* s.control.setLatency(0.01)
      expect(yield* open(s, 1, "p", short)).toBe("ForwardOpen")
      yield* Scope.close(scope, Exit.void)
      yield* Effect.sleep("700 millis")
      expect(s.device.connections()).toHaveLength(1)
    }))
})
