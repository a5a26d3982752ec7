/**
 * The Modbus/TCP client connection (src/modbus/client.ts) against a scripted device on 127.0.0.1
 * port 0: the bytes it sends (transaction ids in order, unit, PDU), responses matched by id in any
 * order, exceptions and malformed responses as typed failures, timeouts, late responses dropped,
 * and every way the connection ends failing what is pending with the reason.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber } from "effect"
import * as net from "node:net"
import { connectModbus, type ModbusConnection, type ModbusError } from "../../src/modbus/client.js"
import { makeMbapFramer } from "../../src/modbus/codec.js"
import { HANG_GUARD } from "./helpers.js"

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

  it.scoped("closing the scope closes the connection", () =>
    Effect.gen(function* () {
      const d = yield* scripted()
      const c = yield* Effect.scoped(connectModbus({ host: "127.0.0.1", port: d.port }))
      expect(c.isOpen()).toBe(false)
      expect(Exit.isSuccess(yield* Effect.exit(c.closed))).toBe(true)
    }))
})
