/**
 * The Modbus/TCP client connection (src/modbus/client.ts) against a scripted device on 127.0.0.1
 * port 0: the bytes it sends (transaction ids in order, unit, PDU), responses matched by id in any
 * order, exceptions and malformed responses as typed failures, timeouts, late responses dropped,
 * and every way the connection ends failing what is pending with the reason.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Scope } from "effect"
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import * as net from "node:net"
import { connectModbus, type ModbusConnection, type ModbusError } from "../../src/modbus/client.js"
import { makeMbapFramer } from "../../src/modbus/codec.js"
import { HANG_GUARD, PYTHON } from "./helpers.js"

/** A device that records each request frame and lets the test answer (or not) on its socket. */
const scripted = () =>
  Effect.acquireRelease(
    Effect.async<{ port: number; frames: Array<Uint8Array>; sockets: Array<net.Socket>; server: net.Server; arrived: (n: number) => Promise<void> }>((resume) => {
      const frames: Array<Uint8Array> = []
      const sockets: Array<net.Socket> = []
      const waiters: Array<() => void> = []
      const server = net.createServer((s) => {
        sockets.push(s)
        const framer = makeMbapFramer()
        s.on("data", (c) => {
          for (const f of framer.push(c).frames) frames.push(Uint8Array.from(f))
          for (const w of waiters.splice(0)) w()
        })
        s.on("error", () => {})
      })
      const arrived = (n: number): Promise<void> =>
        frames.length >= n ? Promise.resolve() : new Promise((ok) => waiters.push(() => { void arrived(n).then(ok) }))
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ port: (server.address() as net.AddressInfo).port, frames, sockets, server, arrived })))
    }),
    (d) => Effect.async<void>((resume) => { for (const s of d.sockets) s.destroy(); d.server.close(() => resume(Effect.void)) })
  )

/** An ADU: transaction id, protocol 0, length, unit, then the PDU. */
const adu = (id: number, unit: number, ...pdu: Array<number>) =>
  Uint8Array.of(id >> 8, id & 0xff, 0, 0, (pdu.length + 1) >> 8, (pdu.length + 1) & 0xff, unit, ...pdu)
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex")
const failure = <A>(e: Effect.Effect<A, ModbusError>) => Effect.map(Effect.flip(e), (x) => ({ reason: x.reason, code: x.code, message: x.message }))
const READ = { fc: 3, address: 0x10, quantity: 2 } as const

/**
 * A device that answers every read of one register at once with the request's transaction id as
 * the value, except the ids in `held` (answered only when the test calls `release`).
 */
const answering = (held: ReadonlySet<number>) =>
  Effect.acquireRelease(
    Effect.async<{
      port: number; ids: Array<number>; release: (id: number) => void; arrived: (n: number) => Promise<void>; server: net.Server; sockets: Array<net.Socket>
    }>((resume) => {
      const ids: Array<number> = []
      const sockets: Array<net.Socket> = []
      const reply = (id: number) => Buffer.from(adu(id, 1, 3, 2, id >> 8, id & 0xff))
      const server = net.createServer((s) => {
        sockets.push(s)
        const framer = makeMbapFramer()
        s.on("data", (c) => {
          const out: Array<Buffer> = []
          for (const f of framer.push(c).frames) {
            const id = (f[0]! << 8) | f[1]!
            ids.push(id)
            if (!held.has(id)) out.push(reply(id))
          }
          if (out.length > 0) s.write(Buffer.concat(out))
        })
        s.on("error", () => {})
      })
      const release = (id: number) => { sockets[0]!.write(reply(id)) }
      const arrived = (n: number) => new Promise<void>((ok) => { const check = () => (ids.length >= n ? ok() : setTimeout(check, 5)); check() })
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ port: (server.address() as net.AddressInfo).port, ids, release, arrived, server, sockets })))
    }),
    (d) => Effect.async<void>((resume) => { for (const s of d.sockets) s.destroy(); d.server.close(() => resume(Effect.void)) })
  )

describe("connectModbus", HANG_GUARD, () => {
  it.scoped("sends ids 1, 2, … with the unit and PDU; matches responses by id in any order; counts answers", () =>
    Effect.gen(function* () {
      const d = yield* scripted()
      const c: ModbusConnection = yield* connectModbus({ host: "127.0.0.1", port: d.port })
      expect(c.isOpen()).toBe(true)
      const a = yield* Effect.fork(c.request(7, READ))
      const b = yield* Effect.fork(c.request(9, { fc: 6, address: 5, value: 0x1234 }))
      yield* Effect.promise(() => d.arrived(2))
      expect(d.frames.map(hex)).toEqual(["000100000006070300100002", "000200000006090600051234"])
      expect(c.pending()).toBe(2)
      d.sockets[0]!.write(adu(2, 9, 6, 0, 5, 0x12, 0x34))
      d.sockets[0]!.write(adu(1, 7, 3, 4, 0, 1, 0xff, 0xfe))
      expect(yield* Fiber.join(a)).toEqual({ _tag: "Registers", fc: 3, values: [1, 0xfffe] })
      expect(yield* Fiber.join(b)).toEqual({ _tag: "Written", fc: 6, address: 5, value: 0x1234 })
      expect([c.pending(), c.answered()]).toEqual([0, 2])
      // The same request object again: the same bytes under the next id.
      const again = yield* Effect.fork(c.request(7, READ))
      yield* Effect.promise(() => d.arrived(3))
      expect(hex(d.frames[2]!)).toBe("000300000006070300100002")
      d.sockets[0]!.write(adu(3, 7, 3, 4, 0, 2, 0, 3))
      expect(yield* Fiber.join(again)).toEqual({ _tag: "Registers", fc: 3, values: [2, 3] })
    }))

  it.scoped("an exception is a failure with its code and name; a malformed response fails without counting as an answer", () =>
    Effect.gen(function* () {
      const d = yield* scripted()
      const c = yield* connectModbus({ host: "127.0.0.1", port: d.port })
      const x = yield* Effect.fork(failure(c.request(1, READ)))
      yield* Effect.promise(() => d.arrived(1))
      d.sockets[0]!.write(adu(1, 1, 0x83, 0x02))
      expect(yield* Fiber.join(x)).toEqual({ reason: "Exception", code: 2, message: "exception 02 (illegal data address)" })
      expect(c.answered()).toBe(1)
      const m = yield* Effect.fork(failure(c.request(1, READ)))
      yield* Effect.promise(() => d.arrived(2))
      d.sockets[0]!.write(adu(2, 1, 3, 2, 0, 1))
      expect(yield* Fiber.join(m)).toEqual({ reason: "Malformed", code: undefined, message: "malformed response: byte count does not match the quantity" })
      expect(c.answered()).toBe(1)
      expect(c.isOpen()).toBe(true)
    }))

  it.scoped("a request unanswered within its timeout fails with it; the late response is dropped; the next id is used", () =>
    Effect.gen(function* () {
      const d = yield* scripted()
      const c = yield* connectModbus({ host: "127.0.0.1", port: d.port, timeout: 2000 })
      expect(yield* failure(c.request(1, READ, 50))).toEqual({
        reason: "Timeout", code: undefined, message: `no response from 127.0.0.1:${d.port} within 50 ms`
      })
      expect(c.pending()).toBe(0)
      const next = yield* Effect.fork(c.request(1, READ))
      yield* Effect.promise(() => d.arrived(2))
      d.sockets[0]!.write(adu(1, 1, 3, 4, 0, 9, 0, 9)) // the late answer to id 1
      d.sockets[0]!.write(adu(2, 1, 3, 4, 0, 5, 0, 6))
      expect(yield* Fiber.join(next)).toEqual({ _tag: "Registers", fc: 3, values: [5, 6] })
      expect(c.answered()).toBe(1)
    }))

  it.scoped("an interrupted request is no longer pending", () =>
    Effect.gen(function* () {
      const d = yield* scripted()
      const c = yield* connectModbus({ host: "127.0.0.1", port: d.port })
      const f = yield* Effect.fork(c.request(1, READ))
      yield* Effect.promise(() => d.arrived(1))
      expect(c.pending()).toBe(1)
      yield* Fiber.interrupt(f)
      expect(c.pending()).toBe(0)
      expect(c.isOpen()).toBe(true)
    }))

  it.scoped("the device closing fails what is pending as Closed; later requests are refused; `closed` completes", () =>
    Effect.gen(function* () {
      const d = yield* scripted()
      const c = yield* connectModbus({ host: "127.0.0.1", port: d.port })
      const f = yield* Effect.fork(failure(c.request(1, READ)))
      yield* Effect.promise(() => d.arrived(1))
      d.sockets[0]!.end()
      expect(yield* Fiber.join(f)).toEqual({ reason: "Closed", code: undefined, message: `connection to 127.0.0.1:${d.port} closed: closed by the device` })
      yield* c.closed
      expect([c.isOpen(), c.pending()]).toEqual([false, 0])
      expect(yield* failure(c.request(1, READ))).toEqual({ reason: "Closed", code: undefined, message: `not connected to 127.0.0.1:${d.port}` })
    }))

  it.scoped("a broken MBAP header ends the connection with the framer's reason; close() says it was the client", () =>
    Effect.gen(function* () {
      const d = yield* scripted()
      const c = yield* connectModbus({ host: "127.0.0.1", port: d.port })
      const f = yield* Effect.fork(failure(c.request(1, READ)))
      yield* Effect.promise(() => d.arrived(1))
      d.sockets[0]!.write(Uint8Array.of(0, 1, 0, 7, 0, 6, 1, 3, 4, 0, 1, 0, 2))
      expect(yield* Fiber.join(f)).toEqual({
        reason: "Closed", code: undefined, message: `connection to 127.0.0.1:${d.port} closed: MBAP protocol id 7 is not 0 (Modbus)`
      })
      expect(c.isOpen()).toBe(false)

      const c2 = yield* connectModbus({ host: "127.0.0.1", port: d.port })
      const g = yield* Effect.fork(failure(c2.request(1, READ)))
      yield* Effect.promise(() => d.arrived(2))
      c2.close()
      expect(yield* Fiber.join(g)).toEqual({ reason: "Closed", code: undefined, message: `connection to 127.0.0.1:${d.port} closed: closed by the client` })
      yield* c2.closed
    }))

  it.effect("a refused connection is a Connect failure naming the address", () =>
    Effect.gen(function* () {
      const port = yield* Effect.scoped(Effect.map(scripted(), (d) => d.port)) // closed again: nothing listens there now
      const e = yield* failure(Effect.scoped(connectModbus({ host: "127.0.0.1", port, timeout: 2000 })))
      expect(e.reason).toBe("Connect")
      expect(e.message).toMatch(new RegExp(`^cannot connect to 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`))
    }))

  it.scoped("ids run past 255 (both bytes matched); each reply reaches its own request, one held back too", () =>
    Effect.gen(function* () {
      const d = yield* answering(new Set([1, 300]))
      const c = yield* connectModbus({ host: "127.0.0.1", port: d.port })
      const ONE = { fc: 3, address: 0, quantity: 1 } as const
      const first = yield* Effect.fork(c.request(1, ONE)) // id 1, left unanswered for now
      // ids 2 … 299, each answered with its own id
      const values = yield* Effect.forEach(Array.from({ length: 298 }, (_, i) => i), () => c.request(1, ONE), { concurrency: 64 })
      expect(values.findIndex((v, i) => v._tag !== "Registers" || v.values[0] !== i + 2)).toBe(-1)
      const last = yield* Effect.fork(c.request(1, ONE)) // id 300 = 0x012c, held too
      yield* Effect.promise(() => d.arrived(300))
      expect(d.ids.slice(-1)).toEqual([0x012c])
      d.release(300)
      expect(yield* Fiber.join(last)).toEqual({ _tag: "Registers", fc: 3, values: [300] })
      d.release(1)
      expect(yield* Fiber.join(first)).toEqual({ _tag: "Registers", fc: 3, values: [1] })
      expect([c.pending(), c.answered()]).toEqual([0, 300])
    }))

  it.scoped("a broken header closes the socket the device sees; a reset connection fails what is pending with the reset", () =>
    Effect.gen(function* () {
      const d = yield* scripted()
      const c = yield* connectModbus({ host: "127.0.0.1", port: d.port })
      const f = yield* Effect.fork(failure(c.request(1, READ)))
      yield* Effect.promise(() => d.arrived(1))
      const seen = d.sockets[0]!
      const ended = new Promise<void>((ok) => seen.once("close", () => ok()))
      seen.write(Uint8Array.of(0, 1, 0, 7, 0, 6, 1, 3, 4, 0, 1, 0, 2))
      expect((yield* Fiber.join(f)).reason).toBe("Closed")
      yield* Effect.promise(() => ended) // the client closed its end: the device is not left holding a half-open socket

      const c2 = yield* connectModbus({ host: "127.0.0.1", port: d.port })
      const g = yield* Effect.fork(failure(c2.request(1, READ)))
      yield* Effect.promise(() => d.arrived(2))
      d.sockets[1]!.resetAndDestroy()
      expect(yield* Fiber.join(g)).toEqual({ reason: "Closed", code: undefined, message: `connection to 127.0.0.1:${d.port} closed: read ECONNRESET` })
      yield* c2.closed
      expect(c2.isOpen()).toBe(false)
    }))

  it.scoped("closing the connection's scope fails a request still pending as closed by the client", () =>
    Effect.gen(function* () {
      const d = yield* scripted()
      const scope = yield* Scope.make()
      const c = yield* Scope.extend(connectModbus({ host: "127.0.0.1", port: d.port }), scope)
      const f = yield* Effect.fork(failure(c.request(1, READ)))
      yield* Effect.promise(() => d.arrived(1))
      yield* Scope.close(scope, Exit.void)
      expect(yield* Fiber.join(f)).toEqual({ reason: "Closed", code: undefined, message: `connection to 127.0.0.1:${d.port} closed: closed by the client` })
    }))

  // A listener that never accepts, its one-place queue already full: the kernel drops the SYN and
  // the connect stays pending (no loopback address refuses silently otherwise).
  it.skipIf(!existsSync(PYTHON))("a device that never completes the connect is a Connect failure after the timeout (needs python3)", () =>
    Effect.runPromise(Effect.scoped(Effect.gen(function* () {
      const py = "import socket,sys\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nc=socket.create_connection(s.getsockname())\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()"
      const child = yield* Effect.acquireRelease(Effect.sync(() => spawn(PYTHON, ["-c", py], { stdio: ["pipe", "pipe", "inherit"] })), (c) => Effect.sync(() => c.kill()))
      const port = yield* Effect.promise(() => new Promise<number>((ok) => child.stdout.once("data", (b) => ok(Number(String(b).trim())))))
      const e = yield* failure(Effect.scoped(connectModbus({ host: "127.0.0.1", port, timeout: 200 })))
      expect(e).toEqual({ reason: "Connect", code: undefined, message: `cannot connect to 127.0.0.1:${port}: no answer within 200 ms` })
    }))))

  it.scoped("closing the scope closes the connection", () =>
    Effect.gen(function* () {
      const d = yield* scripted()
      const c = yield* Effect.scoped(connectModbus({ host: "127.0.0.1", port: d.port }))
      expect(c.isOpen()).toBe(false)
      expect(Exit.isSuccess(yield* Effect.exit(c.closed))).toBe(true)
    }))
})
