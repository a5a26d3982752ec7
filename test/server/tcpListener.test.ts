/**
 * The TCP listener (src/server/tcp.ts) with a trivial session handler (each frame echoed), so only
 * the listener is under test: the bound address and the control's `listening`, refusals (the
 * session maximum, the process limits, by peer address without the IPv4-mapped prefix) counted in
 * the registry, disable (port closed, sessions dropped) and enable (the same port again), an idle
 * timeout change re-arming open sessions, a port in use, and the port closed with the scope.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Logger, Scope } from "effect"
import * as net from "node:net"
import { makeServerControl } from "../../src/server/control.js"
import { sessionFramer } from "../../src/server/framing.js"
import { makeProcessLimits, type ProcessLimitsOptions } from "../../src/server/limits.js"
import { makeConnectionRegistry, type SessionEntry } from "../../src/server/registry.js"
import type { SessionOptions } from "../../src/server/session.js"
import { ListenError, serveTcp } from "../../src/server/tcp.js"
import { connect } from "./raw.js"

const until = (ok: () => boolean) =>
  Effect.promise(async () => {
    for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 10))
  })
/** A NOP frame carrying `n`: echoed back by the handler below. */
const frame = (n: number) => "0000" + "0100" + "00000000" + "00000000" + "0000000000000000" + "00000000" + n.toString(16).padStart(2, "0")
/** Whether a TCP connection to the port is refused. */
const refused = (port: number, host = "127.0.0.1") =>
  Effect.promise(() => new Promise<boolean>((resolve) => {
    const s = net.connect(port, host)
    s.once("connect", () => { s.destroy(); resolve(false) })
    s.once("error", () => resolve(true))
  }))

const listener = (options: { host?: string; port?: number; maxSessions?: number; limits?: ProcessLimitsOptions; disabled?: boolean } = {}) =>
  Effect.gen(function* () {
    const control = yield* makeServerControl()
    if (options.disabled === true) yield* control.setDisabled(true)
    const registry = makeConnectionRegistry()
    const base = makeProcessLimits({ fdLimit: undefined, ...options.limits })
    const peers: Array<string> = []
    const limits = { ...base, admit: (peer: string) => { peers.push(peer); return base.admit(peer) } }
    const session: SessionOptions = {
      makeFramer: () => sessionFramer(1000),
      makeHandler: () => ({ frame: (f) => f.slice(), framingError: () => undefined, close: () => {} }),
      control,
      registry,
      maxOutput: 1 << 20
    }
    const bound = yield* serveTcp(
      { host: options.host ?? "127.0.0.1", port: options.port ?? 0, maxSessions: options.maxSessions ?? 10, limits },
      session, control, registry
    )
    return { bound, control, registry, peers, limits: base }
  })

const client = (port: number, host = "127.0.0.1") =>
  Effect.acquireRelease(Effect.promise(() => connect(port, host)), (c) => Effect.sync(() => c.close()))
const echo = (c: { send: (s: string) => void; frame: (ms?: number) => Promise<Uint8Array> }, n: number) =>
  Effect.promise(async () => {
    c.send(frame(n))
    return (await c.frame(3000))[24]
  })

describe("serveTcp", () => {
  it.scopedLive("binds, reports listening, serves sessions and counts them accepted", () =>
    Effect.gen(function* () {
      const { bound, control, registry } = yield* listener()
      expect(bound.host).toBe("127.0.0.1")
      expect(bound.port).toBeGreaterThan(0)
      expect(control.unsafeState().listening).toBe(true)
      const c = yield* client(bound.port)
      expect(yield* echo(c, 7)).toBe(7)
      expect(registry.size()).toBe(1)
      expect(registry.stats()).toEqual({ accepted: 1, refused: 0, closed: 0 })
    }))

  it.scopedLive("past the session maximum a connection is closed at once and counted refused; the others keep working", () =>
    Effect.gen(function* () {
      const { bound, registry } = yield* listener({ maxSessions: 2 })
      const a = yield* client(bound.port)
      const b = yield* client(bound.port)
      expect(yield* echo(a, 1)).toBe(1)
      expect(yield* echo(b, 2)).toBe(2)
      const c = yield* client(bound.port)
      expect(yield* Effect.promise(() => c.closed(3000))).toBe(true)
      expect(registry.stats()).toMatchObject({ accepted: 2, refused: 1 })
      expect(yield* echo(a, 3)).toBe(3)
    }))

  it.scopedLive("the process limits refuse a peer past its share (counted refused); admitted by address without ::ffff:", () =>
    Effect.gen(function* () {
      const { bound, registry, peers, limits } = yield* listener({ host: "::", limits: { maxSessionsPerPeer: 1 } })
      const a = yield* client(bound.port, "127.0.0.1")
      expect(yield* echo(a, 1)).toBe(1)
      const b = yield* client(bound.port, "127.0.0.1")
      expect(yield* Effect.promise(() => b.closed(3000))).toBe(true)
      expect(peers).toEqual(["127.0.0.1", "127.0.0.1"])
      expect(registry.stats()).toMatchObject({ accepted: 1, refused: 1 })
      expect(limits.stats()).toMatchObject({ sessions: 1, refusedPerPeer: 1 })
      // The admitted session gives its place back when it ends.
      a.close()
      yield* until(() => limits.stats().sessions === 0)
      expect(limits.stats().sessions).toBe(0)
    }))

  it.scopedLive("disable closes the port and drops every session; enable listens on the same port again", () =>
    Effect.gen(function* () {
      const { bound, control, registry } = yield* listener()
      const a = yield* client(bound.port)
      expect(yield* echo(a, 1)).toBe(1)
      yield* control.setDisabled(true)
      expect(yield* Effect.promise(() => a.closed(3000))).toBe(true)
      yield* until(() => !control.unsafeState().listening)
      expect(control.unsafeState().listening).toBe(false)
      expect(yield* refused(bound.port)).toBe(true)
      expect(registry.size()).toBe(0)
      yield* control.setDisabled(false) // returns once the port is open again
      expect(control.unsafeState().listening).toBe(true)
      const b = yield* client(bound.port)
      expect(yield* echo(b, 2)).toBe(2)
      // Enabling again while enabled changes nothing.
      yield* control.setDisabled(false)
      expect(yield* echo(b, 3)).toBe(3)
    }))

  it.scopedLive("a changed idle timeout re-arms the sessions already open; other changes do not", () =>
    Effect.gen(function* () {
      const { control, registry } = yield* listener()
      let rearmed = 0
      const entry: SessionEntry = {
        key: "x", interface: "127.0.0.1", port: 1, local: "127.0.0.1", localPort: 2, since: 0,
        received: 0, requests: 0, eof: false, drop: () => {}, rearm: () => { rearmed++ }
      }
      registry.add(entry)
      yield* control.setLatency(2)
      yield* control.setTimeout(120) // the same timeout
      yield* control.setTimeout(30)
      yield* until(() => rearmed > 0)
      yield* control.setLatency(3)
      yield* control.setTimeout(30)
      yield* control.setTimeout(40)
      yield* until(() => rearmed > 1)
      yield* Effect.sleep("50 millis")
      expect(rearmed).toBe(2)
    }))

  it.scopedLive("a port in use: ListenError naming the address", () =>
    Effect.gen(function* () {
      const { bound } = yield* listener()
      const error = yield* Effect.flip(listener({ port: bound.port }))
      expect(error).toBeInstanceOf(ListenError)
      expect(error._tag).toBe("ListenError")
      expect(error.message).toMatch(new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${bound.port}: listen EADDRINUSE`))
    }))

  it.live("closing the scope closes the port and reports not listening", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const { bound, control } = yield* Scope.extend(listener(), scope)
      yield* Scope.close(scope, Exit.void)
      expect(control.unsafeState().listening).toBe(false)
      expect(yield* refused(bound.port)).toBe(true)
    }))

  it.scopedLive("every accepted connection has Nagle's algorithm off (small replies leave at once)", () =>
    Effect.gen(function* () {
      // The option is set on the socket the listener accepts; node keeps no getter for it.
      const calls: Array<boolean | undefined> = []
      const original = net.Socket.prototype.setNoDelay
      net.Socket.prototype.setNoDelay = function (this: net.Socket, noDelay?: boolean) {
        calls.push(noDelay)
        return original.call(this, noDelay)
      }
      yield* Effect.addFinalizer(() => Effect.sync(() => { net.Socket.prototype.setNoDelay = original }))
      const { bound } = yield* listener()
      const c = yield* client(bound.port)
      expect(yield* echo(c, 5)).toBe(5)
      expect(calls).toContain(true)
      expect(calls).not.toContain(false)
    }))

  it.scopedLive("a listener started disabled refuses sessions; enabled, it serves on its port; disabled again, the port closes", () =>
    Effect.gen(function* () {
      const { bound, control, registry } = yield* listener({ disabled: true })
      const a = yield* client(bound.port)
      expect(yield* Effect.promise(() => a.closed(3000))).toBe(true)
      expect(registry.stats()).toMatchObject({ accepted: 0, refused: 1 })
      yield* control.setDisabled(false)
      const b = yield* client(bound.port)
      expect(yield* echo(b, 4)).toBe(4)
      yield* control.setDisabled(true)
      expect(yield* Effect.promise(() => b.closed(3000))).toBe(true)
      yield* until(() => !control.unsafeState().listening)
      expect(yield* refused(bound.port)).toBe(true)
    }))

  it.scopedLive("while disabled, other changes drop nothing again; a session without a re-arm hook does not stop the changes being followed", () =>
    Effect.gen(function* () {
      const { bound, control, registry } = yield* listener()
      let dropped = 0
      const entry: SessionEntry = {
        key: "y", interface: "127.0.0.1", port: 1, local: "127.0.0.1", localPort: 2, since: 0,
        received: 0, requests: 0, eof: false, drop: () => { dropped++ }
      }
      registry.add(entry) // no rearm: a timeout change passes it by
      yield* control.setTimeout(30)
      yield* control.setDisabled(true)
      yield* until(() => !control.unsafeState().listening)
      expect(yield* refused(bound.port)).toBe(true)
      expect(dropped).toBe(1)
      registry.add(entry) // e.g. a session registered late; the next change is no disable
      yield* control.setTimeout(40)
      yield* control.setLatency(2)
      yield* Effect.sleep("50 millis")
      expect(dropped).toBe(1)
      expect(control.unsafeState().listening).toBe(false)
    }))

  it.scopedLive("enabling when the port was taken meanwhile logs why, stays not listening, and a later enable listens again", () =>
    Effect.gen(function* () {
      const logs: Array<string> = []
      const logger = Logger.make(({ message }) => { logs.push(String(message)) })
      yield* Effect.gen(function* () {
        const { bound, control } = yield* listener()
        yield* control.setDisabled(true)
        yield* until(() => !control.unsafeState().listening)
        const other = net.createServer()
        yield* Effect.promise(() => new Promise<void>((resolve) => other.listen(bound.port, "127.0.0.1", resolve)))
        yield* Effect.fork(control.setDisabled(false))
        yield* until(() => logs.length > 0)
        expect(logs[0]).toMatch(new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${bound.port}: listen EADDRINUSE`))
        expect(control.unsafeState().listening).toBe(false)
        yield* Effect.promise(() => new Promise<void>((resolve) => other.close(() => resolve())))
        yield* control.setDisabled(true)
        yield* control.setDisabled(false)
        expect(control.unsafeState().listening).toBe(true)
        const c = yield* client(bound.port)
        expect(yield* echo(c, 9)).toBe(9)
      }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
    }))

  it.scopedLive("an enable right after a disable returns with the port open again (not on the port still open from before)", () =>
    Effect.gen(function* () {
      const { bound, control } = yield* listener()
      for (let i = 0; i < 5; i++) {
        yield* control.setDisabled(true)
        expect(control.unsafeState().listening).toBe(false)
        yield* control.setDisabled(false)
        expect(control.unsafeState().listening).toBe(true)
        const c = yield* client(bound.port)
        expect(yield* echo(c, i)).toBe(i)
        c.close()
      }
    }))
})
