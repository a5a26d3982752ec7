/**
 * The EtherNet/IP server as a Layer: TCP sessions and the UDP List* listener, answering through a
 * CipEndpoint (the simulated controller), steered by ServerControl and observed through the
 * ConnectionRegistry. Compose it into any Effect app; start it on port 0 in tests and read the
 * bound address from the `EnipServer` service.
 */
import { Context, Effect, Layer, Option } from "effect"
import { randomInt } from "node:crypto"
import { decodeFrame } from "../enip/frame.js"
import { Either } from "effect"
import { formatAddress } from "./address.js"
import { ServerControl } from "./control.js"
import { type CipEndpoint, listReply, makeEncapsulationHandler } from "./encapsulation.js"
import { sessionFramer } from "./framing.js"
import { makeProcessLimits, ProcessLimits, type ProcessLimitsOptions } from "./limits.js"
import { ConnectionRegistry } from "./registry.js"
import { serveTcp } from "./tcp.js"
import type { ControllerStats } from "./stats.js"
import { serveUdp } from "./udp.js"

export interface ServerOptions {
  /** Interface to bind; "" or "0.0.0.0" for all. */
  readonly host: string
  /** TCP (and UDP) port; 0 asks the OS for one. */
  readonly port: number
  /** Also answer List* commands on UDP (default true). */
  readonly udp?: boolean
  /**
   * Serve EtherNet/IP sessions on TCP (default true). `false` answers only List* on UDP (cpppo's
   * `-T/--no-tcp`); UDP is then on whatever `udp` says, and `address` is the UDP address.
   */
  readonly tcp?: boolean
  /** Largest encapsulation frame accepted (header + data); longer → status 0x0065 and close. */
  readonly maxFrame?: number
  /** Most TCP sessions at once; more are refused (closed at once) and counted. */
  readonly maxSessions?: number
  /** Unsent reply bytes allowed per session before it is closed (a client that never reads). */
  readonly maxOutput?: number
  /** Counters to keep (bytes, requests by service and status, latency); none when absent. */
  readonly stats?: ControllerStats
  /**
   * The process-wide limits to create when no `ProcessLimits` service is in the context (a single
   * simulator); a fleet provides one `ProcessLimits` for all its servers instead.
   */
  readonly limits?: ProcessLimitsOptions
}

export interface BoundAddress {
  readonly host: string
  readonly port: number
}

export interface EnipServerService {
  readonly address: BoundAddress
  readonly udpAddress: BoundAddress | undefined
}

/** The running server's bound addresses. */
export class EnipServer extends Context.Tag("cpppo/server/EnipServer")<EnipServer, EnipServerService>() {}

/** The simulated controller the server answers with (provided by the device layer). */
export class Endpoint extends Context.Tag("cpppo/server/Endpoint")<Endpoint, CipEndpoint>() {}

export const DEFAULTS = {
  maxFrame: 24 + 0xffff,
  maxSessions: 2048,
  maxOutput: 4 * 1024 * 1024
} as const

/** Start the server in the current scope; returns the bound addresses. */
export const makeEnipServer = (options: ServerOptions) =>
  Effect.gen(function* () {
    const control = yield* ServerControl
    const registry = yield* ConnectionRegistry
    const endpoint = yield* Endpoint
    const host = options.host === "" ? "0.0.0.0" : options.host
    const maxFrame = options.maxFrame ?? DEFAULTS.maxFrame
    const handles = new Set<number>()
    const newSessionHandle = () => {
      for (;;) {
        const h = randomInt(1, 0xffffffff)
        if (!handles.has(h)) { handles.add(h); return h }
      }
    }
    const listUdp = (port: number) =>
      serveUdp({ host, port }, (datagram, local) => {
        if (control.unsafeState().disabled) return undefined
        const decoded = decodeFrame(datagram)
        if (Either.isLeft(decoded)) return undefined
        return listReply(decoded.right.header, decoded.right.body, endpoint, local)
      })
    if (options.tcp === false) {
      const udpOnly = yield* listUdp(options.port)
      yield* Effect.logInfo(`EtherNet/IP server listening on ${formatAddress(udpOnly)} (UDP only)`)
      return { address: udpOnly, udpAddress: udpOnly } satisfies EnipServerService
    }
    const given = yield* Effect.serviceOption(ProcessLimits)
    const limits = Option.isSome(given) ? given.value : makeProcessLimits(options.limits)
    const wanted = options.maxSessions ?? DEFAULTS.maxSessions
    const maxSessions = Math.min(wanted, limits.maxSessions)
    if (maxSessions < wanted) {
      yield* Effect.logWarning(
        `the file-descriptor limit (${limits.fdLimit}) allows ${maxSessions} sessions, not ${wanted}${options.maxSessions === undefined ? " (the default)" : ""}: ` +
        "raise it (ulimit -n) for more")
    }
    const address = yield* serveTcp(
      { host, port: options.port, maxSessions, limits },
      {
        makeFramer: () => sessionFramer(maxFrame),
        makeHandler: ({ peer, local, localPort }) =>
          makeEncapsulationHandler({
            endpoint, newSessionHandle, releaseSessionHandle: (h) => { handles.delete(h) },
            peer: peer.replace(/^::ffff:/, ""), local: { address: local.replace(/^::ffff:/, ""), port: localPort },
            ...(options.stats !== undefined ? { stats: options.stats } : {})
          }),
        control,
        registry,
        ...(options.stats !== undefined ? { stats: options.stats } : {}),
        maxOutput: options.maxOutput ?? DEFAULTS.maxOutput,
        limits,
        ...(endpoint.congested !== undefined ? { congested: endpoint.congested } : {})
      },
      control,
      registry
    )
    const udpAddress = options.udp === false ? undefined : yield* listUdp(address.port)
    yield* Effect.logInfo(`EtherNet/IP server listening on ${formatAddress(address)}${udpAddress ? " (TCP and UDP)" : " (TCP)"}`)
    return { address, udpAddress } satisfies EnipServerService
  })

/** The server as a Layer (needs ServerControl, ConnectionRegistry and an Endpoint). */
export const EnipServerLive = (options: ServerOptions) => Layer.scoped(EnipServer, makeEnipServer(options))
