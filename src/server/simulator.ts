/**
 * The whole simulated controller as one Layer: TagStore (from tag specs) → Controller (CIP
 * objects) → EtherNet/IP server (TCP + UDP), with ServerControl and the ConnectionRegistry. The
 * CLI adds the web API, printing and history on top; other Effect apps and test harnesses use
 * this directly (port 0, then read `EnipServer.address`).
 */
import { Duration, Effect, Layer } from "effect"
import type { EPath } from "../cip/model.js"
import { Controller, type ControllerConfig } from "../device/controller.js"
import type { IdentityConfig, NetworkConfig } from "../device/identity.js"
import type { TagSpec } from "../tags/spec.js"
import { TagStore } from "../tags/tagStore.js"
import { ServerControl, ServerControlLive } from "./control.js"
import { ConnectionRegistry, ConnectionRegistryLive } from "./registry.js"
import { Endpoint, EnipServer, EnipServerLive, type ServerOptions } from "./server.js"

export interface SimulatorConfig {
  /** Interface to bind ("0.0.0.0" for all). */
  readonly host: string
  /** Port (TCP and UDP); 0 asks the OS. */
  readonly port: number
  /** Tag specs (`SCADA=INT[1000]`, or parsed). */
  readonly tags: ReadonlyArray<string | TagSpec>
  readonly udp?: boolean
  /** Serve TCP sessions (default true); false answers only List* on UDP (cpppo's `-T`). */
  readonly tcp?: boolean
  /** No routing accepted (like a MicroLogix). */
  readonly simple?: boolean
  /** Route path Unconnected Sends must carry (default 1/0; [] accepts none). */
  readonly routePath?: EPath | undefined
  /** Reply delay, seconds or a range re-drawn every second. */
  readonly delay?: number | readonly [number, number] | undefined
  readonly identity?: Partial<IdentityConfig> | Record<string, unknown>
  /** TCP/IP Interface and Ethernet Link values (IP address, host name, MAC, …). */
  readonly network?: Partial<NetworkConfig>
  readonly maxFrame?: number
  readonly maxSessions?: number
  /** Unsent reply bytes allowed per session before it is closed (a client that never reads). */
  readonly maxOutput?: number
  /** Sessions one peer address may hold at once (default 64; process-wide, see ProcessLimits). */
  readonly maxSessionsPerPeer?: number
  /** Unsent and queued bytes all sessions may hold together (default 256 MiB; process-wide). */
  readonly maxBufferedBytes?: number
  /** Idle session timeout, seconds (default 120; 0 never). */
  readonly idleTimeout?: number
  readonly maxConnections?: number
  /** Most Forward Open connections one session may hold (default 32). */
  readonly maxConnectionsPerSession?: number
  /** Most Forward Open connections the sessions of one peer address may hold together (default 64). */
  readonly maxConnectionsPerPeer?: number
}

/** The Endpoint the server answers with, from the Controller. */
export const EndpointFromController = Layer.effect(
  Endpoint,
  Effect.map(Effect.all([Controller, TagStore]), ([c, store]) => ({
    handle: c.handle,
    lookupConnection: c.lookupConnection,
    closeSession: c.closeSession,
    identity: c.identity,
    congested: store.congested
  }))
)

/** Drops Forward Open connections idle past their timeout (RPI × multiplier), every `latency` s. */
const ConnectionSweeper = Layer.scopedDiscard(
  Effect.gen(function* () {
    const controller = yield* Controller
    const control = yield* ServerControl
    const sweep = Effect.suspend(() => {
      const expired = controller.expire(Date.now())
      return expired.length > 0 ? Effect.logDebug(`expired ${expired.length} idle CIP connection(s)`) : Effect.void
    })
    const pause = Effect.suspend(() => Effect.sleep(Duration.millis(Math.max(10, control.unsafeState().latency * 1000))))
    yield* Effect.forkScoped(Effect.forever(Effect.zipRight(pause, sweep)))
  })
)

const identityOf = (raw: SimulatorConfig["identity"]): Partial<IdentityConfig> => {
  const out: Record<string, unknown> = {}
  const src = (raw ?? {}) as Record<string, unknown>
  const alias: Record<string, keyof IdentityConfig> = {
    vendor: "vendor", vendorId: "vendor", vendor_id: "vendor",
    deviceType: "deviceType", device_type: "deviceType",
    productCode: "productCode", product_code: "productCode",
    revision: "revision", status: "status", status_word: "status",
    serial: "serial", serialNumber: "serial", serial_number: "serial",
    productName: "productName", product_name: "productName",
    state: "state"
  }
  for (const [k, v] of Object.entries(src)) {
    const key = alias[k]
    if (key !== undefined && v !== undefined) out[key] = v
  }
  return out as Partial<IdentityConfig>
}

/** Everything but the listeners: tags, controller, control, registry. */
export const SimulatorCoreLive = (config: SimulatorConfig) => {
  const controllerConfig: ControllerConfig = {
    identity: identityOf(config.identity),
    ...(config.network !== undefined ? { network: config.network } : {}),
    ...(config.simple ? { routePath: "simple" as const } : config.routePath !== undefined ? { routePath: config.routePath } : {}),
    ...(config.maxConnections !== undefined ? { maxConnections: config.maxConnections } : {}),
    ...(config.maxConnectionsPerSession !== undefined ? { maxConnectionsPerSession: config.maxConnectionsPerSession } : {}),
    ...(config.maxConnectionsPerPeer !== undefined ? { maxConnectionsPerPeer: config.maxConnectionsPerPeer } : {})
  }
  return Controller.layer(controllerConfig).pipe(
    Layer.provideMerge(TagStore.layer(config.tags)),
    Layer.merge(ServerControlLive({
      ...(config.delay !== undefined ? { delay: config.delay } : {}),
      ...(config.idleTimeout !== undefined ? { timeout: config.idleTimeout } : {})
    })),
    Layer.merge(ConnectionRegistryLive)
  )
}

/** The server options of a simulator config. */
const serverOptionsOf = (config: SimulatorConfig): ServerOptions => ({
  host: config.host,
  port: config.port,
  udp: config.udp ?? true,
  ...(config.tcp === false ? { tcp: false } : {}),
  ...(config.maxFrame !== undefined ? { maxFrame: config.maxFrame } : {}),
  ...(config.maxSessions !== undefined ? { maxSessions: config.maxSessions } : {}),
  ...(config.maxOutput !== undefined ? { maxOutput: config.maxOutput } : {}),
  limits: {
    ...(config.maxSessionsPerPeer !== undefined ? { maxSessionsPerPeer: config.maxSessionsPerPeer } : {}),
    ...(config.maxBufferedBytes !== undefined ? { maxBytes: config.maxBufferedBytes } : {})
  }
})

/**
 * The listeners (TCP, UDP) and the Forward Open sweeper, over a core built beforehand: a program
 * that must see every tag access (history) subscribes to the core's TagStore first, then opens
 * the listeners, so not even the first request after start-up goes unrecorded.
 */
export const SimulatorListenersLive = (config: SimulatorConfig) =>
  Layer.mergeAll(EnipServerLive(serverOptionsOf(config)), ConnectionSweeper).pipe(Layer.provide(EndpointFromController))

/**
 * The simulator: provides TagStore, Controller, ServerControl, ConnectionRegistry and
 * EnipServer (the bound addresses).
 */
export const SimulatorLive = (config: SimulatorConfig) =>
  SimulatorListenersLive(config).pipe(Layer.provideMerge(SimulatorCoreLive(config)))

export { ConnectionRegistry, Controller, EnipServer, ServerControl, TagStore }
