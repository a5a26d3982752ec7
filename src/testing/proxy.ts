/**
 * A fault-injecting TCP proxy for EtherNet/IP, to test a client (ours or yours) against slow,
 * reordering or failing links without a satellite: requests pass straight through; the server's
 * reply frames can be delayed, released in reverse order in batches, or the connection dropped
 * after N replies. Loopback only by default; scoped (closed with its Scope).
 */
import { Duration, Effect, Either, type Scope } from "effect"
import * as net from "node:net"
import { makeFramer } from "../enip/framer.js"

export interface ProxyOptions {
  /** Where the real server listens. */
  readonly target: { readonly host: string; readonly port: number }
  /** Interface to listen on (default 127.0.0.1; port is always chosen by the OS). */
  readonly host?: string
  /** Added to every reply frame (order kept): a slow link. */
  readonly latency?: Duration.DurationInput
  /** Hold replies until `batch` are waiting (or `holdMs` passed), then send them newest first. */
  readonly reorder?: { readonly batch: number; readonly holdMs?: number }
  /** Close both sides once this many replies (per connection) have been forwarded. */
  readonly dropAfter?: number
}

export interface Proxy {
  readonly host: string
  readonly port: number
  /** Replies forwarded, and how many of them were sent out of their arrival order. */
  readonly stats: { readonly replies: number; readonly reordered: number }
}

/** Start the proxy for the life of the scope. */
export const startProxy = (options: ProxyOptions): Effect.Effect<Proxy, Error, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ server: net.Server; proxy: Proxy; sockets: Set<net.Socket> }, Error>((resume) => {
      const stats = { replies: 0, reordered: 0 }
      const sockets = new Set<net.Socket>()
      const latency = options.latency === undefined ? 0 : Duration.toMillis(Duration.decode(options.latency))
      const server = net.createServer({ noDelay: true }, (client) => {
        const upstream = net.connect({ host: options.target.host, port: options.target.port, noDelay: true })
        sockets.add(client).add(upstream)
        const framer = makeFramer(24 + 0xffff)
        let forwarded = 0
        let held: Array<Uint8Array> = []
        let timer: NodeJS.Timeout | undefined
        const closeBoth = () => { client.destroy(); upstream.destroy() }
        const forward = (frames: ReadonlyArray<Uint8Array>) => {
          for (const f of frames) {
            if (options.dropAfter !== undefined && forwarded >= options.dropAfter) { closeBoth(); return }
            forwarded++
            stats.replies++
            client.write(f)
          }
        }
        const release = (frames: ReadonlyArray<Uint8Array>) => {
          if (latency > 0) setTimeout(() => forward(frames), latency)
          else forward(frames)
        }
        const flush = () => {
          if (timer !== undefined) { clearTimeout(timer); timer = undefined }
          const out = held.reverse()
          held = []
          if (out.length > 1) stats.reordered += out.length
          release(out)
        }
        client.on("data", (d) => upstream.write(d))
        upstream.on("data", (d) => {
          const frames = framer.push(d)
          if (Either.isLeft(frames)) { closeBoth(); return }
          const copies = frames.right.map((f) => Uint8Array.from(f))
          if (options.reorder === undefined) { release(copies); return }
          held.push(...copies)
          if (held.length >= options.reorder.batch) flush()
          else if (timer === undefined) timer = setTimeout(flush, options.reorder.holdMs ?? 20)
        })
        for (const s of [client, upstream]) {
          s.on("close", () => { sockets.delete(s); closeBoth() })
          s.on("error", closeBoth)
        }
      })
      server.once("error", (e) => resume(Effect.fail(e)))
      server.listen(0, options.host ?? "127.0.0.1", () => {
        const a = server.address() as net.AddressInfo
        resume(Effect.succeed({ server, sockets, proxy: { host: a.address, port: a.port, stats } }))
      })
    }),
    ({ server, sockets }) =>
      Effect.async<void>((resume) => {
        for (const s of sockets) s.destroy()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ proxy }) => proxy))
