/**
 * A TCP proxy for tests: forwards requests to the server untouched, and holds the server's reply
 * frames to release them reversed (out of order) and late; can drop the connection after N replies.
 */
import { Effect } from "effect"
import * as net from "node:net"
import { Either } from "effect"
import { makeFramer } from "../../src/enip/framer.js"

export interface ProxyOptions {
  readonly target: { readonly host: string; readonly port: number }
  /** Hold replies until this many are buffered (or `holdMs` passes), then send them reversed. */
  readonly batch?: number
  readonly holdMs?: number
  /** Close both sides after this many replies were forwarded. */
  readonly dropAfter?: number
}

export const startProxy = (options: ProxyOptions) =>
  Effect.acquireRelease(
    Effect.async<{ server: net.Server; port: number; stats: { replies: number; reordered: number } }>((resume) => {
      const stats = { replies: 0, reordered: 0 }
      const server = net.createServer({ noDelay: true }, (client) => {
        const upstream = net.connect({ host: options.target.host, port: options.target.port, noDelay: true })
        const framer = makeFramer(70000)
        let held: Array<Uint8Array> = []
        let timer: NodeJS.Timeout | undefined
        const flush = () => {
          if (timer) { clearTimeout(timer); timer = undefined }
          if (held.length > 1) stats.reordered += held.length
          for (const f of held.reverse()) {
            if (options.dropAfter !== undefined && stats.replies >= options.dropAfter) {
              client.destroy(); upstream.destroy(); held = []; return
            }
            stats.replies++
            client.write(f)
          }
          held = []
        }
        client.on("data", (d) => upstream.write(d))
        upstream.on("data", (d) => {
          const frames = framer.push(d)
          if (Either.isLeft(frames)) { client.destroy(); return }
          for (const f of frames.right) held.push(Uint8Array.from(f))
          if (held.length >= (options.batch ?? 1)) flush()
          else if (timer === undefined) timer = setTimeout(flush, options.holdMs ?? 20)
        })
        client.on("close", () => upstream.destroy())
        upstream.on("close", () => client.destroy())
        client.on("error", () => upstream.destroy())
        upstream.on("error", () => client.destroy())
      })
      server.listen(0, "127.0.0.1", () => {
        const a = server.address() as net.AddressInfo
        resume(Effect.succeed({ server, port: a.port, stats }))
      })
    }),
    ({ server }) => Effect.async<void>((resume) => { server.close(() => resume(Effect.void)); server.unref() })
  )
