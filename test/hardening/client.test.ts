/**
 * The client against a misbehaving device: garbage, a reply for a request never sent, a reply
 * too short, a CPF item length that lies. Each → a typed error for that operation (or ignored),
 * the others complete, nothing hangs.
 */
import { Duration, Effect, Either } from "effect"
import * as net from "node:net"
import { describe, expect, it } from "vitest"
import type { CipRequest } from "../../src/cip/model.js"
import { decodeRequest } from "../../src/cip/request.js"
import { Client } from "../../src/client/client.js"
import { decodeFrame, encodeFrame } from "../../src/enip/frame.js"
import { makeFramer } from "../../src/enip/framer.js"

type Behaviour = "good" | "short" | "unsolicited" | "baditemlength" | "garbage" | "wrongservice"

/** The tag named in a (possibly Unconnected Send–wrapped) Read Tag. */
const tagOf = (req: CipRequest): string | undefined => {
  if (req._tag === "UnconnectedSend") return tagOf(req.request)
  const s = req.path[0]
  return s?._tag === "Symbolic" ? s.name : undefined
}

/** A device answering RegisterSession properly and each Read Tag according to the tag's name. */
const fakeDevice = (): Promise<{ port: number; close: () => void }> =>
  new Promise((resolve) => {
    const sockets = new Set<net.Socket>()
    const server = net.createServer((socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
      socket.on("error", () => undefined)
      const framer = makeFramer(1 << 16)
      socket.on("data", (chunk) => {
        const got = framer.push(chunk)
        if (Either.isLeft(got)) { socket.destroy(); return }
        for (const bytes of got.right) {
          const f = decodeFrame(bytes)
          if (Either.isLeft(f)) continue
          const { header, body } = f.right
          const reply = (items: Parameters<typeof encodeFrame>[0]["body"], context = header.senderContext) =>
            encodeFrame({ header: { sessionHandle: 0x11223344, status: 0, senderContext: context, options: 0 }, body: items })
          if (body._tag === "RegisterSession") { socket.write(reply(body)); continue }
          if (body._tag !== "SendRRData") continue
          const data = body.items.find((i) => i._tag === "UnconnectedData")
          if (data === undefined || data._tag !== "UnconnectedData") continue
          const q = decodeRequest(data.data)
          const name = Either.isRight(q) ? tagOf(q.right) : undefined
          const behaviour = (name?.toLowerCase() ?? "good") as Behaviour
          const rr = (cip: Uint8Array) => reply({ _tag: "SendRRData", interfaceHandle: 0, timeout: 0, items: [{ _tag: "NullAddress" }, { _tag: "UnconnectedData", data: cip }] })
          const good = Uint8Array.of(0xcc, 0, 0, 0, 0xc3, 0, 42, 0)
          switch (behaviour) {
            case "short": socket.write(rr(Uint8Array.of(0xcc, 0))); break
            case "wrongservice": socket.write(rr(Uint8Array.of(0x8e, 0, 0, 0))); break
            case "unsolicited": {
              const stray = reply({ _tag: "SendRRData", interfaceHandle: 0, timeout: 0, items: [{ _tag: "NullAddress" }, { _tag: "UnconnectedData", data: good }] }, Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9))
              socket.write(stray)
              socket.write(rr(good))
              break
            }
            case "baditemlength": {
              const out = rr(good)
              // The data item's length (after the 0x00b2 type) claims 200 bytes; the frame is 8.
              const at = Buffer.from(out).indexOf(Buffer.from([0xb2, 0x00])) + 2
              out[at] = 200
              socket.write(out)
              break
            }
            case "garbage": socket.write(Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n this is not EtherNet/IP at all, sorry")); break
            default: socket.write(rr(good))
          }
        }
      })
    })
    server.listen(0, "127.0.0.1", () =>
      resolve({ port: (server.address() as net.AddressInfo).port, close: () => { for (const s of sockets) s.destroy(); server.close() } }))
  })

/** What a failed read reports: CIP status, and the client error's reason and message if any. */
const causeOf = (x: Either.Either<unknown, unknown>) => {
  const result = Either.isLeft(x) ? (x.left as { result?: { status: number; error?: { reason: string; message: string } } }).result : undefined
  return { status: result?.status, reason: result?.error?.reason, message: result?.error?.message }
}

const readEach = (port: number, tags: ReadonlyArray<string>) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const c = yield* Client.connect({ host: "127.0.0.1", port, timeout: Duration.seconds(1) })
        const out: Array<Either.Either<unknown, unknown>> = []
        for (const t of tags) out.push(yield* Effect.either(c.read(t)))
        return out
      })
    ).pipe(Effect.timeout(Duration.seconds(20)), Effect.either)
  )

describe("the client against a misbehaving device", () => {
  it("a reply too short, of the wrong service, with a lying item length → a typed error for that operation at once; a stray reply is ignored; the rest complete", async () => {
    const dev = await fakeDevice()
    try {
      const result = await readEach(dev.port, ["GOOD", "SHORT", "GOOD", "WRONGSERVICE", "GOOD", "UNSOLICITED", "GOOD", "BADITEMLENGTH", "GOOD"])
      expect(Either.isRight(result)).toBe(true) // no hang, no defect
      if (Either.isLeft(result)) return
      const r = result.right
      const shape = r.map((x) => (Either.isRight(x) ? x.right : (x.left as { _tag?: string })._tag))
      expect(shape[0]).toEqual([42])
      expect(shape[1]).toBe("OperationFailed")
      expect(shape[2]).toEqual([42])
      expect(shape[3]).toBe("OperationFailed")
      expect(shape[4]).toEqual([42])
      expect(shape[5]).toEqual([42])
      expect(shape[6]).toEqual([42])
      expect(shape[7]).toBe("OperationFailed")
      expect(shape[8]).toEqual([42])
      // Each failure names its cause; none is a request timeout (the client's is 1 s).
      expect([1, 3, 7].map((i) => causeOf(r[i]!))).toEqual([
        { status: -1, reason: "Protocol", message: "reply without CIP data" },
        { status: 0x22, reason: undefined, message: undefined }, // 0x22: Invalid Reply Received (the reply's service is not ours)
        { status: -1, reason: "Protocol", message: "reply without CIP data" }
      ])
    } finally {
      dev.close()
    }
  }, 30_000)

  // Was a finding (fixed in src/client/session.ts): the garbage's bytes 2..3 read as a frame
  // length of 20,564 and every later operation waited out its 1 s timeout. Now bytes that are no
  // reply command at a frame boundary break the session at once, failing what is pending.
  it("garbage instead of a frame → that operation and the later ones fail at once with typed errors; nothing hangs", async () => {
    const dev = await fakeDevice()
    try {
      const result = await readEach(dev.port, ["GOOD", "GARBAGE", "GOOD"])
      expect(Either.isRight(result)).toBe(true)
      if (Either.isLeft(result)) return
      const r = result.right
      expect(Either.isRight(r[0]!) && r[0].right).toEqual([42])
      expect(Either.isLeft(r[1]!) && (r[1].left as { _tag?: string })._tag).toBe("OperationFailed")
      expect(Either.isLeft(r[2]!) && (r[2].left as { _tag?: string })._tag).toBe("OperationFailed")
      // Both failed for the garbage (the session broke), not by waiting out the 1 s timeout.
      const garbage = { status: -1, reason: "Protocol", message: "garbage from the server (command 0x5448)" }
      expect([causeOf(r[1]!), causeOf(r[2]!)]).toEqual([garbage, garbage])
    } finally {
      dev.close()
    }
  }, 30_000)
})
