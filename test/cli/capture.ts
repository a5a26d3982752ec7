/**
 * Test helper: a listener on 127.0.0.1:0 standing in for a controller, to read a client's
 * requests as bytes (test/cli/sendPath.test.ts through the binary, enipClientWire.test.ts in-process).
 */
import * as net from "node:net"
import { decodeFrame, encodeFrame } from "../../src/enip/frame.js"

/** A listener on 127.0.0.1:0 that keeps the CIP payload of every SendRRData, then hangs up. */
export const capture = () =>
  new Promise<{ port: number; requests: Array<Uint8Array>; close: () => void }>((resolve) => {
    const requests: Array<Uint8Array> = []
    const server = net.createServer((socket) => {
      let buf = Buffer.alloc(0)
      socket.on("error", () => {})
      socket.on("data", (chunk) => {
        buf = Buffer.concat([buf, chunk])
        while (buf.length >= 24 && buf.length >= 24 + buf.readUInt16LE(2)) {
          const bytes = new Uint8Array(buf.subarray(0, 24 + buf.readUInt16LE(2)))
          buf = buf.subarray(bytes.length)
          const f = decodeFrame(bytes)
          if (f._tag === "Left") { socket.destroy(); return }
          const { header, body } = f.right
          if (body._tag === "RegisterSession") {
            socket.write(encodeFrame({ header: { ...header, sessionHandle: 0x1234 }, body }))
          } else if (body._tag === "SendRRData") {
            const item = body.items.find((i) => i._tag === "UnconnectedData")
            if (item !== undefined && item._tag === "UnconnectedData") requests.push(item.data)
            socket.destroy()
          }
        }
      })
    })
    server.listen(0, "127.0.0.1", () => resolve({ port: (server.address() as net.AddressInfo).port, requests, close: () => server.close() }))
  })
