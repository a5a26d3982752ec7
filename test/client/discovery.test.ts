/**
 * UDP discovery: unicast returns the first answer; broadcast mode (`-b`) gathers every answer until
 * the timeout. A fake responder on 127.0.0.1 answers each request twice, as two devices would; no
 * datagram leaves loopback. Where `-b` sends without `-a`: test/cli/clientAddress.test.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as dgram from "node:dgram"
import { listOverUdp } from "../../src/client/discovery.js"
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
})
