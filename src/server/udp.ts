/**
 * The UDP listener for ListIdentity / ListServices / ListInterfaces (unicast and broadcast). Other
 * commands are ignored, as a controller does on UDP.
 */
import { Effect } from "effect"
import * as dgram from "node:dgram"
import { ListenError } from "./tcp.js"

export interface UdpOptions {
  readonly host: string
  readonly port: number
}

/**
 * Answer one datagram: returns the reply, or undefined for none. `local` is the address of ours
 * the client reached (for ListIdentity's socket address).
 */
export type DatagramHandler = (datagram: Uint8Array, local: { readonly address: string; readonly port: number }) => Uint8Array | undefined

/**
 * The local address the OS uses to reach `peer` — when bound to 0.0.0.0 the datagram's own
 * destination is not reported by node, and this is the interface the reply leaves from.
 */
const localAddressFor = (peer: string, peerPort: number, fallback: string) =>
  Effect.async<string>((resume) => {
    const probe = dgram.createSocket(peer.includes(":") ? "udp6" : "udp4")
    const done = (address: string) => {
      try { probe.close() } catch { /* already closed */ }
      resume(Effect.succeed(address))
    }
    probe.on("error", () => done(fallback))
    try {
      probe.connect(peerPort, peer, () => {
        try { done(probe.address().address) } catch { done(fallback) }
      })
    } catch {
      done(fallback)
    }
  })

/** Bind (scoped) and answer datagrams until the scope closes. Returns the bound address. */
export const serveUdp = (options: UdpOptions, handle: DatagramHandler) =>
  Effect.gen(function* () {
    const socket = dgram.createSocket({ type: options.host.includes(":") ? "udp6" : "udp4", reuseAddr: true })
    const bound = yield* Effect.async<{ host: string; port: number }, ListenError>((resume) => {
      socket.once("error", (e) => resume(Effect.fail(new ListenError(`cannot listen on UDP ${options.host}:${options.port}: ${e.message}`))))
      socket.bind({ address: options.host, port: options.port, exclusive: false }, () => {
        try { socket.setBroadcast(true) } catch { /* not supported here */ }
        const a = socket.address()
        resume(Effect.succeed({ host: a.address, port: a.port }))
      })
    })
    yield* Effect.addFinalizer(() => Effect.sync(() => { try { socket.close() } catch { /* closed */ } }))
    const wildcard = bound.host === "0.0.0.0" || bound.host === "::"
    socket.on("error", () => { /* a bad datagram or peer never stops the listener */ })
    socket.on("message", (msg, rinfo) => {
      const answer = (local: string) => {
        let reply: Uint8Array | undefined
        try {
          reply = handle(msg, { address: local, port: bound.port })
        } catch {
          reply = undefined
        }
        if (reply !== undefined) socket.send(reply, rinfo.port, rinfo.address)
      }
      if (!wildcard) return answer(bound.host)
      Effect.runFork(localAddressFor(rinfo.address, rinfo.port, "127.0.0.1").pipe(Effect.map(answer)))
    })
    return bound
  })
