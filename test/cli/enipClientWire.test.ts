/**
 * `cpppo enip client` in-process (test/cli/inProcess.ts) against a recording listener on
 * 127.0.0.1 port 0: the bytes of the first CIP request show where `--send-path` and `--route-path`
 * went (the simulator answers with or without them, so its replies cannot tell).
 */
import { Effect } from "effect"
import * as net from "node:net"
import { describe, expect, it } from "vitest"
import { runCpppo } from "./inProcess.js"

/** Accept one client, answer its RegisterSession, and resolve the CIP bytes of its first SendRRData. */
const recorder = () =>
  new Promise<{ readonly port: number; readonly cip: Promise<Buffer>; readonly close: () => void }>((listening) => {
    let got: (b: Buffer) => void = () => {}
    const cip = new Promise<Buffer>((r) => { got = r })
    const server = net.createServer((socket) => {
      let buf = Buffer.alloc(0)
      socket.on("error", () => {})
      socket.on("data", (chunk) => {
        buf = Buffer.concat([buf, chunk])
        while (buf.length >= 24 && buf.length >= 24 + buf.readUInt16LE(2)) {
          const frame = buf.subarray(0, 24 + buf.readUInt16LE(2))
          buf = buf.subarray(frame.length)
          const command = frame.readUInt16LE(0)
          if (command === 0x65) {
            const reply = Buffer.from(frame)
            reply.writeUInt32LE(0x11223344, 4)
            socket.write(reply)
          } else if (command === 0x6f) {
            // interface handle (4), timeout (2), item count (2), null address item (4), data item type and length (4).
            const data = frame.subarray(24)
            const length = data.readUInt16LE(14)
            got(Buffer.from(data.subarray(16, 16 + length)))
          }
        }
      })
    })
    server.listen(0, "127.0.0.1", () => listening({ port: (server.address() as net.AddressInfo).port, cip, close: () => server.close() }))
  })

/** The CIP bytes `cpppo enip client ARGS… Y` sends first (it gets no answer and times out). */
const firstRequest = async (...args: ReadonlyArray<string>): Promise<Array<number>> => {
  const r = await recorder()
  try {
    const [ran, cip] = await Promise.all([Effect.runPromise(runCpppo("enip", "client", "-a", `127.0.0.1:${r.port}`, "-t", "0.3", ...args, "Y")), r.cip])
    expect(ran.end).toBe("ok")
    return [...cip]
  } finally {
    r.close()
  }
}

/** Read Tag "Y", 1 element: service 0x4c, path 2 words (symbolic segment 0x91, length 1, "Y", pad), count 1. */
const READ_Y = [0x4c, 0x02, 0x91, 0x01, 0x59, 0x00, 0x01, 0x00]

describe("enip client: send path and route path on the wire", () => {
  it("by default an Unconnected Send to @6/1 routed 1/0; --send-path @6/2 and --route-path 1/3 are what is sent", async () => {
    const dflt = await firstRequest()
    expect(dflt.slice(0, 6)).toEqual([0x52, 0x02, 0x20, 0x06, 0x24, 0x01])
    expect(dflt.slice(8, 10 + READ_Y.length)).toEqual([READ_Y.length, 0x00, ...READ_Y])
    expect(dflt.slice(10 + READ_Y.length)).toEqual([0x01, 0x00, 0x01, 0x00])
    const other = await firstRequest("--send-path", "@6/2", "--route-path", "1/3")
    expect(other.slice(0, 6)).toEqual([0x52, 0x02, 0x20, 0x06, 0x24, 0x02])
    expect(other.slice(10 + READ_Y.length)).toEqual([0x01, 0x00, 0x01, 0x03])
  }, 20_000)

  it("--route-path none: the request alone (cpppo's simple device); --send-path '' too, whatever the route path", async () => {
    expect(await firstRequest("--route-path", "none")).toEqual(READ_Y)
    expect(await firstRequest("--route-path", " 0 ")).toEqual(READ_Y)
    expect(await firstRequest("--send-path", "")).toEqual(READ_Y)
  }, 20_000)
})
