/**
 * The UDP listener (src/server/udp.ts) with a handler of the test's own: each datagram answered
 * to its sender, with the local address the client reached (the bound one, or when bound to a
 * wildcard the interface the reply leaves from); no reply when the handler has none or throws,
 * and the listener keeps serving; a bind failure is a ListenError naming the address.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import * as dgram from "node:dgram"
import { existsSync, readdirSync } from "node:fs"
import { serveUdp } from "../../src/server/udp.js"
import { ListenError } from "../../src/server/tcp.js"

/** Send `text` to host:port from a fresh socket; the reply as text, or undefined after `ms`. */
const ask = (port: number, text: string, host = "127.0.0.1", ms = 1000) =>
  Effect.async<string | undefined>((resume) => {
    const socket = dgram.createSocket(host.includes(":") ? "udp6" : "udp4")
    const timer = setTimeout(() => { socket.close(); resume(Effect.succeed(undefined)) }, ms)
    socket.on("message", (msg) => { clearTimeout(timer); socket.close(); resume(Effect.succeed(msg.toString("latin1"))) })
    socket.send(Buffer.from(text, "latin1"), port, host)
  })

/** Replies `<datagram> via <local address>:<local port>`; "none" gets no reply, "throw" throws. */
const handler = (datagram: Uint8Array, local: { address: string; port: number }) => {
  const text = Buffer.from(datagram).toString("latin1")
  if (text === "none") return undefined
  if (text === "throw") throw new Error("handler failed")
  return Buffer.from(`${text} via ${local.address}:${local.port}`, "latin1")
}

describe("serveUdp", () => {
  it.scopedLive("bound to an address: answers the sender with that address and the bound port", () =>
    Effect.gen(function* () {
      const bound = yield* serveUdp({ host: "127.0.0.1", port: 0 }, handler)
      expect(bound.host).toBe("127.0.0.1")
      expect(bound.port).toBeGreaterThan(0)
      expect(yield* ask(bound.port, "hello")).toBe(`hello via 127.0.0.1:${bound.port}`)
    }))

  it.scopedLive("no reply when the handler has none or throws; the listener keeps answering", () =>
    Effect.gen(function* () {
      const bound = yield* serveUdp({ host: "127.0.0.1", port: 0 }, handler)
      expect(yield* ask(bound.port, "none", "127.0.0.1", 300)).toBeUndefined()
      expect(yield* ask(bound.port, "throw", "127.0.0.1", 300)).toBeUndefined()
      expect(yield* ask(bound.port, "again")).toBe(`again via 127.0.0.1:${bound.port}`)
    }))

  it.scopedLive("bound to every interface: the local address is the interface the reply leaves from", () =>
    Effect.gen(function* () {
      const bound = yield* serveUdp({ host: "0.0.0.0", port: 0 }, handler)
      expect(bound.host).toBe("0.0.0.0")
      expect(yield* ask(bound.port, "a", "127.0.0.1")).toBe(`a via 127.0.0.1:${bound.port}`)
      // The reply to a client on 127.0.0.3 leaves from 127.0.0.1 (the route to 127.0.0.0/8 is lo
      // and its source 127.0.0.1), which is what a wildcard listener can know.
      expect(yield* ask(bound.port, "b", "127.0.0.3")).toMatch(new RegExp(`^b via 127\\.0\\.0\\.\\d+:${bound.port}$`))
    }))

  it.scopedLive("IPv6: bound to ::1, and to :: answering over ::1", () =>
    Effect.gen(function* () {
      const v6 = yield* serveUdp({ host: "::1", port: 0 }, handler)
      expect(v6.host).toBe("::1")
      expect(yield* ask(v6.port, "six", "::1")).toBe(`six via ::1:${v6.port}`)
      const any = yield* serveUdp({ host: "::", port: 0 }, handler)
      expect(yield* ask(any.port, "any", "::1")).toBe(`any via ::1:${any.port}`)
    }))

  it.live("a bind failure is a ListenError naming the address; closing the scope stops the answers", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Effect.scoped(serveUdp({ host: "192.0.2.1", port: 0 }, handler)))
      expect(error).toBeInstanceOf(ListenError)
      expect(error.message).toMatch(/^cannot listen on UDP 192\.0\.2\.1:0: bind EADDRNOTAVAIL/)
      const scope = yield* Scope.make()
      const bound = yield* Scope.extend(serveUdp({ host: "127.0.0.1", port: 0 }, handler), scope)
      expect(yield* ask(bound.port, "x")).toBeDefined()
      yield* Scope.close(scope, Exit.void)
      expect(yield* ask(bound.port, "x", "127.0.0.1", 300)).toBeUndefined()
    }))

  it.scopedLive("bound to one loopback address, it answers with that address, not the one the reply route would pick", () =>
    Effect.gen(function* () {
      // The route back to a client on 127.0.0.1 has source 127.0.0.1; the client reached 127.0.0.2.
      const bound = yield* serveUdp({ host: "127.0.0.2", port: 0 }, handler)
      expect(yield* ask(bound.port, "two", "127.0.0.2")).toBe(`two via 127.0.0.2:${bound.port}`)
    }))

  it.scopedLive("a listener on an address and one on every interface share a port (as a fleet beside a wildcard server does)", () =>
    Effect.gen(function* () {
      const one = yield* serveUdp({ host: "127.0.0.1", port: 0 }, handler)
      const any = yield* serveUdp({ host: "0.0.0.0", port: one.port }, handler)
      expect(any.port).toBe(one.port)
      expect(yield* ask(one.port, "shared", "127.0.0.3")).toMatch(new RegExp(`^shared via 127\\.0\\.0\\.\\d+:${one.port}$`))
    }))

  it.scopedLive.skipIf(!existsSync("/proc/self/fd"))("bound to every interface, answering leaves no socket open per datagram", () =>
    Effect.gen(function* () {
      const bound = yield* serveUdp({ host: "0.0.0.0", port: 0 }, handler)
      expect(yield* ask(bound.port, "warm")).toBeDefined()
      const before = readdirSync("/proc/self/fd").length
      for (let i = 0; i < 20; i++) expect(yield* ask(bound.port, `n${i}`)).toBe(`n${i} via 127.0.0.1:${bound.port}`)
      yield* Effect.sleep("50 millis")
      expect(readdirSync("/proc/self/fd").length - before).toBeLessThan(10)
    }))
})
