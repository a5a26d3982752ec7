/**
 * Discovery replies (src/client/discovery.ts): the lines `cpppo enip client -i/-s/-I` prints for
 * each item, the TCP path refusing a reply to another command, and UDP ignoring datagrams that are
 * not an answer to the question (garbage, another command) until the real one comes. A responder
 * on 127.0.0.1 port 0; nothing leaves loopback.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as dgram from "node:dgram"
import { formatListReply, listOverTcp, listOverUdp } from "../../src/client/discovery.js"
import type { Session } from "../../src/client/session.js"
import { decodeFrame, encodeFrame } from "../../src/enip/frame.js"
import type { CpfItem, EnipBody, EnipFrame } from "../../src/enip/model.js"

const identity: CpfItem = {
  _tag: "ListIdentity",
  identity: {
    vendorId: 1, deviceType: 14, productCode: 54, revision: [20, 11], status: 0x30, serialNumber: 0x6c061a,
    productName: "1756-L61/B LOGIX5561", protocolVersion: 1, sockaddr: { family: 2, port: 44818, address: "127.0.0.1" }, state: 3
  }
}
const header = { sessionHandle: 0, status: 0, senderContext: new Uint8Array(8), options: 0 }

describe("discovery replies", () => {
  it("prints each identity field, each service, other items by kind, and counts items", () => {
    expect(formatListReply("ListIdentity", { from: "127.0.0.1:44818", items: [identity] })).toEqual([
      "ListIdentity from 127.0.0.1:44818: 1 item",
      '  Product Name:   "1756-L61/B LOGIX5561"',
      "  Vendor ID:      1",
      "  Device Type:    14",
      "  Product Code:   54",
      "  Revision:       20.11",
      "  Status:         0x0030",
      "  Serial Number:  0x006c061a",
      "  State:          3",
      "  Socket Address: 127.0.0.1:44818",
      "  Protocol:       1"
    ])
    expect(formatListReply("ListServices", {
      from: "h:1", items: [{ _tag: "ListServices", version: 1, capability: 0x120, name: "Communications" }, { _tag: "NullAddress" }]
    })).toEqual(["ListServices from h:1: 2 items", '  Service "Communications": version 1, capability 0x0120', "  Item NullAddress"])
    expect(formatListReply("ListInterfaces", { from: "h:1", items: [] })).toEqual(["ListInterfaces from h:1: 0 items"])
  })

  it.effect("over TCP: the reply's items, or a protocol error for a reply to another command", () =>
    Effect.gen(function* () {
      const answering = (body: EnipBody) => ({ command: () => Effect.succeed({ header, body } as EnipFrame) }) as unknown as Session
      for (const command of ["ListIdentity", "ListServices", "ListInterfaces"] as const) {
        const r = yield* listOverTcp(answering({ _tag: command, items: [identity] }), command, "plc:44818")
        expect(r).toEqual({ from: "plc:44818", items: [identity] })
      }
      const e = yield* Effect.flip(listOverTcp(answering({ _tag: "NOP", data: new Uint8Array(0) } as never), "ListIdentity", "plc:44818"))
      expect(e.message).toBe("unexpected NOP reply to ListIdentity")
    }))

  it.scoped("over UDP: garbage and answers to another command are ignored; the answer asked for is taken", () =>
    Effect.gen(function* () {
      const socket = dgram.createSocket("udp4")
      yield* Effect.addFinalizer(() => Effect.sync(() => socket.close()))
      socket.on("message", (msg, rinfo) => {
        const frame = decodeFrame(new Uint8Array(msg.buffer, msg.byteOffset, msg.length))
        if (frame._tag === "Left") return
        socket.send(Uint8Array.from([1, 2, 3]), rinfo.port, rinfo.address)
        socket.send(encodeFrame({ header, body: { _tag: "ListServices", items: [] } }), rinfo.port, rinfo.address)
        setTimeout(() => socket.send(encodeFrame({ header, body: { _tag: "ListIdentity", items: [identity] } }), rinfo.port, rinfo.address), 50)
      })
      yield* Effect.async<void>((resume) => { socket.bind(0, "127.0.0.1", () => resume(Effect.void)) })
      const port = socket.address().port
      const replies = yield* listOverUdp("ListIdentity", { host: "127.0.0.1", port, timeout: "2 seconds" })
      expect(replies).toEqual([{ from: `127.0.0.1:${port}`, items: [identity] }])
      const all = yield* listOverUdp("ListIdentity", { host: "127.0.0.1", port, timeout: "400 millis", broadcast: true })
      expect(all).toEqual([{ from: `127.0.0.1:${port}`, items: [identity] }])
    }))
})
