/**
 * The client session (src/client/session.ts) against a scripted TCP server on 127.0.0.1 port 0
 * that answers with hand-made frames: what a malformed, refused or unexpected answer does to
 * the request waiting for it (a typed error naming the cause), RegisterSession refusals, and the
 * request size limit per mode (routed, simple, no send path, connected).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as net from "node:net"
import type { CipRequest } from "../../src/cip/model.js"
import { openSession, type SessionOptions } from "../../src/client/session.js"

const HANDLE = 0x11223344
const read: CipRequest = { _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "X" }], elements: 1 }

/** A 24-byte encapsulation header and body. */
const frame = (command: number, context: Uint8Array, body: Uint8Array, status = 0, session = HANDLE) => {
  const b = new Uint8Array(24 + body.length)
  const v = new DataView(b.buffer)
  v.setUint16(0, command, true); v.setUint16(2, body.length, true); v.setUint32(4, session, true); v.setUint32(8, status, true)
  b.set(context, 12)
  b.set(body, 24)
  return b
}
/** A SendRRData reply body: interface handle, timeout, a null address item and `data` as unconnected data. */
const rrBody = (data: Uint8Array) => {
  const b = new Uint8Array(16 + data.length)
  const v = new DataView(b.buffer)
  v.setUint16(6, 2, true); v.setUint16(8, 0, true); v.setUint16(10, 0, true); v.setUint16(12, 0xb2, true); v.setUint16(14, data.length, true)
  b.set(data, 16)
  return b
}
const readReplyData = Uint8Array.from([0xcc, 0, 0, 0, 0xc4, 0, 7, 0, 0, 0]) // Read Tag reply: DINT 7

type Answer = (command: number, context: Uint8Array) => Uint8Array | undefined

/** A server that registers sessions (unless `register` says otherwise) and answers requests by `answer`. */
const scripted = (answer: Answer, register: Answer = (_, ctx) => frame(0x65, ctx, Uint8Array.from([1, 0, 0, 0]))) =>
  Effect.acquireRelease(
    Effect.async<net.Server>((resume) => {
      const server = net.createServer((socket) => {
        let buf = new Uint8Array(0)
        socket.on("error", () => {})
        socket.on("data", (chunk: Uint8Array) => {
          const joined = new Uint8Array(buf.length + chunk.length)
          joined.set(buf); joined.set(chunk, buf.length)
          buf = joined
          while (buf.length >= 24) {
            const n = 24 + (buf[2]! | (buf[3]! << 8))
            if (buf.length < n) break
            const command = buf[0]! | (buf[1]! << 8)
            const context = buf.slice(12, 20)
            buf = buf.slice(n)
            const reply = command === 0x65 ? register(command, context) : answer(command, context)
            if (reply !== undefined) socket.write(reply)
          }
        })
      })
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) => Effect.async<void>((resume) => { server.close(() => resume(Effect.void)) })
  )

const open = (server: net.Server, extra: Partial<SessionOptions> = {}) =>
  openSession({ host: "127.0.0.1", port: (server.address() as net.AddressInfo).port, timeout: "2 seconds", ...extra })

const failure = (answer: Answer) =>
  Effect.gen(function* () {
    const server = yield* scripted(answer)
    const session = yield* open(server)
    return (yield* Effect.flip(session.request(read))).message
  })

describe("client session: the server's answers", () => {
  it.scoped("a well-formed reply is decoded; the session keeps its handle and the routed size limit", () =>
    Effect.gen(function* () {
      const server = yield* scripted((_, ctx) => frame(0x6f, ctx, rrBody(readReplyData)))
      const session = yield* open(server)
      expect(session.sessionHandle).toBe(HANDLE)
      expect(session.maxRequest).toBe(504 - 12 - 2 - 4) // Unconnected Send around it, route 1/0
      expect(session.connection).toBeUndefined()
      const r = yield* session.request(read)
      expect(r._tag === "ReadTag" && [r.status, r.type.code, Array.from(r.data)]).toEqual([0, 0xc4, [7, 0, 0, 0]])
    }))

  it.scoped("the size limit: 504 bytes for a simple device or without a send path; less per route hop", () =>
    Effect.gen(function* () {
      const server = yield* scripted((_, ctx) => frame(0x6f, ctx, rrBody(readReplyData)))
      expect((yield* open(server, { simple: true })).maxRequest).toBe(504)
      expect((yield* open(server, { sendPath: [] })).maxRequest).toBe(504)
      const twoHops = [{ _tag: "Port", port: 1, link: 0 }, { _tag: "Port", port: 2, link: 3 }] as const
      expect((yield* open(server, { routePath: [...twoHops] })).maxRequest).toBe(504 - 12 - 4 - 4)
    }))

  it.scoped("garbage where a frame should start fails what is pending and names the command", () =>
    Effect.gen(function* () {
      expect(yield* failure(() => Uint8Array.from([0x34, 0x12, 0, 0]))).toBe("garbage from the server (command 0x1234)")
    }))

  it.scoped("an encapsulation error status, a reply to another command, and a reply without CIP data are named", () =>
    Effect.gen(function* () {
      expect(yield* failure((_, ctx) => frame(0x6f, ctx, new Uint8Array(0), 0x0064))).toMatch(/^encapsulation status 0x64: /)
      expect(yield* failure((_, ctx) => frame(0x04, ctx, new Uint8Array(0)))).toBe("unexpected ListServices reply")
      expect(yield* failure((_, ctx) => frame(0x6f, ctx, rrBody(Uint8Array.from([0xcc, 0]))))).toBe("reply without CIP data")
      expect(yield* failure((_, ctx) => frame(0x6f, ctx, rrBody(Uint8Array.from([0xcc, 0, 0, 0, 0xc4]))))).toMatch(/^undecodable reply: /)
    }))

  it.scoped("RegisterSession refused by status, or answered with handle 0, fails the open", () =>
    Effect.gen(function* () {
      const refused = yield* scripted(() => undefined, (_, ctx) => frame(0x65, ctx, Uint8Array.from([1, 0, 0, 0]), 0x0069))
      expect((yield* Effect.flip(open(refused))).message).toMatch(/^RegisterSession refused: /)
      const zero = yield* scripted(() => undefined, (_, ctx) => frame(0x65, ctx, Uint8Array.from([1, 0, 0, 0]), 0, 0))
      expect((yield* Effect.flip(open(zero))).message).toBe("RegisterSession refused: success")
    }))
})
