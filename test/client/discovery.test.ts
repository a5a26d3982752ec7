/**
 * UDP discovery: unicast returns the first answer; broadcast mode (`-b`) gathers every answer until
 * the timeout. A fake responder on 127.0.0.1 answers each request twice, as two devices would; no
 * datagram leaves loopback. `-b` without `-a` would ask 255.255.255.255: `udpHostOf` says so.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option } from "effect"
import * as dgram from "node:dgram"
import { listOverUdp } from "../../src/client/discovery.js"
import { clientAddress, udpHostOf } from "../../src/cli/enipClient.js"
import { decodeFrame, encodeFrame } from "../../src/enip/frame.js"

const responder = (answers: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const socket = dgram.createSocket("udp4")
    yield* Effect.addFinalizer(() => Effect.sync(() => socket.close()))
    let requests = 0
    socket.on("message", (msg, rinfo) => {
      const frame = decodeFrame(new Uint8Array(msg.buffer, msg.byteOffset, msg.length))
      if (frame._tag === "Left" || frame.right.body._tag !== "ListServices") return
      requests++
      for (const name of answers) {
        const body = { _tag: "ListServices" as const, items: [{ _tag: "ListServices" as const, version: 1, capability: 0x0020, name }] }
        socket.send(encodeFrame({ header: frame.right.header, body }), rinfo.port, rinfo.address)
      }
    })
    yield* Effect.async<void>((resume) => { socket.bind(0, "127.0.0.1", () => resume(Effect.void)) })
    return { port: socket.address().port, requests: () => requests }
  })

describe("UDP discovery", () => {
  it.scoped("unicast returns the first answer; broadcast mode gathers both answers until the timeout", () =>
    Effect.gen(function* () {
      const r = yield* responder(["first", "second"])
      const one = yield* listOverUdp("ListServices", { host: "127.0.0.1", port: r.port, timeout: "2 seconds" })
      expect(one.map((x) => x.items.map((i) => i._tag === "ListServices" ? i.name : i._tag))).toEqual([["first"]])
      const all = yield* listOverUdp("ListServices", { host: "127.0.0.1", port: r.port, timeout: "300 millis", broadcast: true })
      expect(all.map((x) => [x.from, x.items.map((i) => i._tag === "ListServices" ? i.name : i._tag)])).toEqual([
        [`127.0.0.1:${r.port}`, ["first"]], [`127.0.0.1:${r.port}`, ["second"]]
      ])
      expect(r.requests()).toBe(2)
    }))

  it.scoped("broadcast mode with no answer is an empty list, not an error; unicast with none fails with a timeout", () =>
    Effect.gen(function* () {
      const r = yield* responder([])
      expect(yield* listOverUdp("ListServices", { host: "127.0.0.1", port: r.port, timeout: "100 millis", broadcast: true })).toEqual([])
      const e = yield* Effect.flip(listOverUdp("ListServices", { host: "127.0.0.1", port: r.port, timeout: "100 millis" }))
      expect(e.message).toBe(`no ListServices reply from 127.0.0.1:${r.port} within 100ms`)
    }))

  it("-b without -a asks 255.255.255.255; with -a, that address; without -b, the TCP host", () => {
    expect(udpHostOf(Option.none(), true)).toBe("255.255.255.255")
    expect(udpHostOf(Option.some("10.1.255.255"), true)).toBeUndefined()
    expect(udpHostOf(Option.none(), false)).toBeUndefined()
  })

  it("-a: localhost:44818 without it; the port defaults to 44818, the host to localhost; IPv6 in brackets", () => {
    expect(clientAddress(Option.none())).toEqual(Either.right({ host: "localhost", port: 44818 }))
    expect(clientAddress(Option.some("10.1.2.3"))).toEqual(Either.right({ host: "10.1.2.3", port: 44818 }))
    expect(clientAddress(Option.some(":2222"))).toEqual(Either.right({ host: "localhost", port: 2222 }))
    expect(clientAddress(Option.some("[::1]:2222"))).toEqual(Either.right({ host: "::1", port: 2222 }))
  })
})
