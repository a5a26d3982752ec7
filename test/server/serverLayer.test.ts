/**
 * The EtherNet/IP server as a service (src/server/server.ts), with a real controller behind it:
 * the bound addresses (TCP and UDP, TCP only, UDP only, "" meaning every interface), the log line
 * saying which, the session maximum held to the descriptor limit with a warning, peer and local
 * addresses handed on without the IPv4-mapped prefix, distinct session handles, the counters, and
 * UDP List* answered only while enabled.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import * as dgram from "node:dgram"
import { makeController } from "../../src/device/controller.js"
import { makeServerControl, ServerControl } from "../../src/server/control.js"
import type { CipEndpoint } from "../../src/server/encapsulation.js"
import { makeProcessLimits, ProcessLimits } from "../../src/server/limits.js"
import { ConnectionRegistry, makeConnectionRegistry } from "../../src/server/registry.js"
import { DEFAULTS, Endpoint, makeEnipServer, type ServerOptions } from "../../src/server/server.js"
import { ControllerStats } from "../../src/server/stats.js"
import { makeTagStore } from "../../src/tags/tagStore.js"
import { connect } from "./raw.js"
import { register } from "./fixture.js"

const LIST_IDENTITY = "630000000000000000000000" + "0102030405060708" + "00000000"

const ask = (port: number, hex: string, host = "127.0.0.1", ms = 1000) =>
  Effect.async<Buffer | undefined>((resume) => {
    const socket = dgram.createSocket(host.includes(":") ? "udp6" : "udp4")
    const timer = setTimeout(() => { socket.close(); resume(Effect.succeed(undefined)) }, ms)
    socket.on("message", (msg) => { clearTimeout(timer); socket.close(); resume(Effect.succeed(msg)) })
    socket.send(Buffer.from(hex, "hex"), port, host)
  })

/** A server over a real controller; the peers its requests came from, its log lines. */
const start = (options: Partial<ServerOptions>, limits?: ReturnType<typeof makeProcessLimits>) =>
  Effect.gen(function* () {
    const store = yield* makeTagStore(["X=DINT"])
    const controller = makeController(store)
    const peers: Array<string> = []
    const endpoint: CipEndpoint = {
      ...controller,
      handle: (request, ctx) => { peers.push(ctx.peer ?? "?"); return controller.handle(request, ctx) }
    }
    const control = yield* makeServerControl()
    const registry = makeConnectionRegistry()
    const logs: Array<string> = []
    const logger = Logger.make(({ logLevel, message }) => { logs.push(`${logLevel.label} ${String(Array.isArray(message) ? message.join(" ") : message)}`) })
    const server = yield* makeEnipServer({ host: "127.0.0.1", port: 0, ...options }).pipe(
      Effect.provideService(ServerControl, control),
      Effect.provideService(ConnectionRegistry, registry),
      Effect.provideService(Endpoint, endpoint),
      limits === undefined ? (e) => e : Effect.provideService(ProcessLimits, limits),
      Effect.provide(Logger.replace(Logger.defaultLogger, logger))
    )
    return { server, control, registry, peers, logs }
  })

describe("makeEnipServer", () => {
  it("defaults: frames up to 24 + 65,535 bytes, 2,048 sessions, 4 MiB unsent per session", () => {
    expect(DEFAULTS).toEqual({ maxFrame: 24 + 0xffff, maxSessions: 2048, maxOutput: 4 * 1024 * 1024 })
  })

  it.scopedLive("TCP and UDP on the same port by default; ListIdentity over UDP; none while disabled, none for garbage", () =>
    Effect.gen(function* () {
      const { server, control, logs } = yield* start({})
      expect(server.address.host).toBe("127.0.0.1")
      expect(server.udpAddress).toEqual(server.address)
      expect(logs).toContain(`INFO EtherNet/IP server listening on 127.0.0.1:${server.address.port} (TCP and UDP)`)
      const reply = yield* ask(server.address.port, LIST_IDENTITY)
      expect(reply?.readUInt16LE(0)).toBe(0x63)
      expect(reply?.subarray(12, 20).toString("hex")).toBe("0102030405060708")
      expect(yield* ask(server.address.port, "6300", "127.0.0.1", 300)).toBeUndefined()
      yield* control.setDisabled(true)
      expect(yield* ask(server.address.port, LIST_IDENTITY, "127.0.0.1", 300)).toBeUndefined()
      yield* control.setDisabled(false)
      expect(yield* ask(server.address.port, LIST_IDENTITY)).toBeDefined()
    }))

  it.scopedLive("udp false: TCP only; tcp false: UDP only, on the port given", () =>
    Effect.gen(function* () {
      const tcp = yield* start({ udp: false })
      expect(tcp.server.udpAddress).toBeUndefined()
      expect(tcp.logs).toContain(`INFO EtherNet/IP server listening on 127.0.0.1:${tcp.server.address.port} (TCP)`)
      expect(yield* ask(tcp.server.address.port, LIST_IDENTITY, "127.0.0.1", 300)).toBeUndefined()
      const udp = yield* start({ tcp: false })
      expect(udp.server.udpAddress).toEqual(udp.server.address)
      expect(udp.logs).toContain(`INFO EtherNet/IP server listening on 127.0.0.1:${udp.server.address.port} (UDP only)`)
      expect(yield* ask(udp.server.address.port, LIST_IDENTITY)).toBeDefined()
      const refused = yield* Effect.promise(() => connect(udp.server.address.port).then(() => false, () => true))
      expect(refused).toBe(true)
    }))

  it.scopedLive("host \"\" listens on every interface", () =>
    Effect.gen(function* () {
      const { server } = yield* start({ host: "" })
      expect(server.address.host).toBe("0.0.0.0")
      const c = yield* Effect.acquireRelease(Effect.promise(() => connect(server.address.port, "127.0.0.4")), (c) => Effect.sync(() => c.close()))
      expect(yield* register(c)).not.toBe(0)
    }))

  it.scopedLive("sessions past the descriptor limit's share are refused, with a warning naming both numbers", () =>
    Effect.gen(function* () {
      const limits = makeProcessLimits({ fdLimit: 100 })
      const { logs } = yield* start({ udp: false }, limits)
      expect(limits.maxSessions).toBeLessThan(2048)
      expect(logs.find((l) => l.startsWith("WARN"))).toBe(
        `WARN the file-descriptor limit (100) allows ${limits.maxSessions} sessions, not 2048 (the default): raise it (ulimit -n) for more`)
      const given = yield* start({ udp: false, maxSessions: 5000 }, limits)
      expect(given.logs.find((l) => l.startsWith("WARN"))).toBe(
        `WARN the file-descriptor limit (100) allows ${limits.maxSessions} sessions, not 5000: raise it (ulimit -n) for more`)
      const few = yield* start({ udp: false, maxSessions: 2 }, limits)
      expect(few.logs.filter((l) => l.startsWith("WARN"))).toEqual([])
    }))

  it.scopedLive("each session gets its own non-zero handle; the peer reaches the controller without ::ffff:", () =>
    Effect.gen(function* () {
      const stats = new ControllerStats()
      const { server, peers, registry } = yield* start({ host: "::", udp: false, stats })
      const clients = yield* Effect.all(Array.from({ length: 5 }, () =>
        Effect.acquireRelease(Effect.promise(() => connect(server.address.port, "127.0.0.1")), (c) => Effect.sync(() => c.close()))))
      const handles = yield* Effect.all(clients.map((c) => register(c)))
      expect(new Set(handles).size).toBe(5)
      for (const h of handles) expect(h).not.toBe(0)
      // A Get Attribute Single of the Identity's vendor over SendRRData.
      const c = clients[0]!
      const cip = "0e03200124013001"
      const cpf = "00000000" + "0500" + "0200" + "0000" + "0000" + "b200" + "0800" + cip
      const session = Buffer.alloc(4)
      session.writeUInt32LE(handles[0]! >>> 0)
      c.send("6f00" + "1800" + session.toString("hex") + "00000000" + "0000000000000000" + "00000000" + cpf)
      const reply = Buffer.from(yield* Effect.promise(() => c.frame(3000)))
      expect(reply.readUInt32LE(8)).toBe(0)
      expect(reply.subarray(40, 44).toString("hex")).toBe("8e000000")
      expect(peers).toEqual(["127.0.0.1"])
      expect(stats.requests.get("GetAttributeSingle")?.get(0)).toBe(1)
      expect(stats.bytesIn).toBeGreaterThan(0)
      expect(registry.entries().every((e) => e.interface === "::ffff:127.0.0.1" || e.interface === "127.0.0.1")).toBe(true)
      // ListIdentity over TCP reports the local address the client reached, as IPv4.
      c.send(LIST_IDENTITY)
      const identity = Buffer.from(yield* Effect.promise(() => c.frame(3000)))
      expect([...identity.subarray(36, 40)].join(".")).toBe("127.0.0.1")
      expect(identity.readUInt16BE(34)).toBe(server.address.port)
    }))
})
