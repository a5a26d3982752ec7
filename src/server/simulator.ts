/**
 * One simulated controller is a value, built by `makeSimulator(config)` in the caller's Scope:
 * its TagStore (from tag specs), the CIP objects (device Controller), ServerControl, the
 * ConnectionRegistry, its counters, and its EtherNet/IP listeners (TCP + UDP). Closing the scope
 * stops that controller alone, so a fleet is many of them in one scope (server/fleet.ts).
 *
 * `SimulatorLive(config)` is one of them as a Layer, providing the services Effect apps and
 * tests use (TagStore, Controller, ServerControl, ConnectionRegistry, EnipServer, Simulator).
 */
import { Context, Effect, Layer, type Scope } from "effect"
import type { EPath } from "../cip/model.js"
import { Controller, type ControllerConfig, type ControllerService, makeController } from "../device/controller.js"
import type { IdentityConfig, NetworkConfig } from "../device/identity.js"
import type { AttributeError } from "../tags/attribute.js"
import type { TagSpec, TagSpecError } from "../tags/spec.js"
import { makeTagStore, TagStore, type TagStoreService } from "../tags/tagStore.js"
import { makeServerControl, ServerControl, type ServerControlService } from "./control.js"
import { ConnectionRegistry, type ConnectionRegistryService, makeConnectionRegistry } from "./registry.js"
import type { CipEndpoint } from "./encapsulation.js"
import { Endpoint, EnipServer, type EnipServerService, makeEnipServer, type ServerOptions } from "./server.js"
import { ControllerStats } from "./stats.js"
import type { ListenError } from "./tcp.js"

export interface SimulatorConfig {
  /** The controller's name in a fleet (web paths, metrics labels); default "plc". */
  readonly name?: string
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

/** A running simulated controller: everything it owns. */
export interface SimulatorService {
  readonly name: string
  readonly config: SimulatorConfig
  readonly tags: TagStoreService
  /** The CIP objects and connection table. */
  readonly device: ControllerService
  readonly control: ServerControlService
  readonly registry: ConnectionRegistryService
  /** Traffic counters read by /metrics. */
  readonly stats: ControllerStats
  /** The bound TCP and UDP addresses. */
  readonly server: EnipServerService
}

/** The simulator as a service (provided by `SimulatorLive`). */
export class Simulator extends Context.Tag("cpppo/server/Simulator")<Simulator, SimulatorService>() {}

/** A simulator before its listeners start. */
export type SimulatorCore = Omit<SimulatorService, "server">

export interface SimulatorOptions {
  /**
   * Runs after the controller is built and before it listens, in its scope: subscribe event
   * sinks (printing, history) here and no client request can come before them.
   */
  readonly prepare?: (core: SimulatorCore) => Effect.Effect<void, Error, Scope.Scope>
}

/** What can stop a simulator from starting: its tag specs, a custom Attribute, a busy port. */
export type SimulatorError = TagSpecError | AttributeError | ListenError | Error

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

const controllerConfigOf = (config: SimulatorConfig): ControllerConfig => ({
  identity: identityOf(config.identity),
  ...(config.network !== undefined ? { network: config.network } : {}),
  ...(config.simple ? { routePath: "simple" as const } : config.routePath !== undefined ? { routePath: config.routePath } : {}),
  ...(config.maxConnections !== undefined ? { maxConnections: config.maxConnections } : {}),
  ...(config.maxConnectionsPerSession !== undefined ? { maxConnectionsPerSession: config.maxConnectionsPerSession } : {}),
  ...(config.maxConnectionsPerPeer !== undefined ? { maxConnectionsPerPeer: config.maxConnectionsPerPeer } : {})
})

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
 * Fault injection is counted where it is asked for: these wrap the services the web API, tests
 * and library users are given (the controller's own data path uses the originals).
 */
const countingFaults = (stats: ControllerStats, tags: TagStoreService, control: ServerControlService, registry: ConnectionRegistryService) => ({
  tags: {
    ...tags,
    setError: (name: string, error: Parameters<TagStoreService["setError"]>[1]) =>
      tags.setError(name, error).pipe(Effect.tap(() => { if (error !== undefined && error.status !== 0) stats.fault("error") }))
  } satisfies TagStoreService,
  control: {
    ...control,
    setDelay: (value: number) => control.setDelay(value).pipe(Effect.tap(() => { if (value > 0) stats.fault("delay") })),
    setDelayRange: (range: Parameters<ServerControlService["setDelayRange"]>[0]) =>
      control.setDelayRange(range).pipe(Effect.tap(() => { if (range !== undefined) stats.fault("delay") })),
    setDisabled: (disabled: boolean) =>
      Effect.suspend(() => {
        if (disabled && !control.unsafeState().disabled) stats.fault("disable")
        return control.setDisabled(disabled)
      })
  } satisfies ServerControlService,
  registry: {
    ...registry,
    setEof: (key: string) => registry.setEof(key).pipe(Effect.tap((dropped) => { if (dropped) stats.fault("eof") }))
  } satisfies ConnectionRegistryService
})

/** What the server answers with: the controller's CIP objects; `congested` holds sessions back while history is behind. */
const endpointOf = (device: ControllerService, tags: TagStoreService): CipEndpoint => ({
  handle: device.handle,
  lookupConnection: device.lookupConnection,
  closeSession: device.closeSession,
  identity: device.identity,
  congested: tags.congested
})

/** The Endpoint the server answers with, from the Controller and TagStore (for apps composing their own Layers). */
export const EndpointFromController = Layer.effect(Endpoint, Effect.map(Effect.all([Controller, TagStore]), ([c, t]) => endpointOf(c, t)))

/**
 * Drops Forward Open connections idle past their timeout (RPI × multiplier), every `latency` s.
 * A plain timer, not a fiber: a fleet has hundreds of these, and a fiber waking twice a second
 * each cost a fifth of the CPU and much garbage under load.
 */
const sweepConnections = (device: ControllerService, control: ServerControlService) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      let timer: ReturnType<typeof setTimeout> | undefined
      const tick = () => {
        const expired = device.expire(Date.now())
        if (expired.length > 0) Effect.runFork(Effect.logDebug(`expired ${expired.length} idle CIP connection(s)`))
        timer = setTimeout(tick, Math.max(10, control.unsafeState().latency * 1000))
        timer.unref()
      }
      timer = setTimeout(tick, Math.max(10, control.unsafeState().latency * 1000))
      timer.unref()
      return () => clearTimeout(timer)
    }),
    (stop) => Effect.sync(stop)
  )

/** Everything a simulator owns but its listeners (for tests and apps bringing their own transport). */
const makeCore = (config: SimulatorConfig) =>
  Effect.gen(function* () {
    const stats = new ControllerStats()
    const store = yield* makeTagStore(config.tags)
    const device = makeController(store, controllerConfigOf(config))
    const baseControl = yield* makeServerControl({
      ...(config.delay !== undefined ? { delay: config.delay } : {}),
      ...(config.idleTimeout !== undefined ? { timeout: config.idleTimeout } : {})
    })
    const { tags, control, registry } = countingFaults(stats, store, baseControl, makeConnectionRegistry())
    return { name: config.name ?? "plc", config, tags, device, control, registry, stats }
  })

/**
 * Build one simulated controller in the current scope and start its listeners; closing the
 * scope stops it (listeners closed, sessions interrupted, sockets closed).
 */
export const makeSimulator = (config: SimulatorConfig, options: SimulatorOptions = {}): Effect.Effect<SimulatorService, SimulatorError, Scope.Scope> =>
  Effect.gen(function* () {
    const core = yield* makeCore(config)
    if (options.prepare !== undefined) yield* options.prepare(core)
    const server = yield* listen(config, core)
    return { ...core, server } satisfies SimulatorService
  })

/** Start the listeners and the Forward Open sweeper of a built core. */
const listen = (config: SimulatorConfig, core: Pick<SimulatorService, "tags" | "device" | "control" | "registry"> & { readonly stats?: ControllerStats }) =>
  Effect.gen(function* () {
    const server = yield* makeEnipServer({ ...serverOptionsOf(config), ...(core.stats !== undefined ? { stats: core.stats } : {}) }).pipe(
      Effect.provideService(ServerControl, core.control),
      Effect.provideService(ConnectionRegistry, core.registry),
      Effect.provideService(Endpoint, endpointOf(core.device, core.tags))
    )
    yield* sweepConnections(core.device, core.control)
    return server
  })

/**
 * The listeners (TCP, UDP) and the Forward Open sweeper, over a core in the context built
 * beforehand (SimulatorCoreLive): a program that must see every tag access subscribes to the
 * core's TagStore first, then opens the listeners. (`makeSimulator`'s `prepare` does the same.)
 */
export const SimulatorListenersLive = (config: SimulatorConfig) =>
  Layer.scoped(EnipServer, Effect.gen(function* () {
    return yield* listen(config, { tags: yield* TagStore, device: yield* Controller, control: yield* ServerControl, registry: yield* ConnectionRegistry })
  }))

/** The services of a built simulator, as a Context. */
const contextOf = (sim: SimulatorService) =>
  Context.make(Simulator, sim).pipe(
    Context.add(TagStore, sim.tags),
    Context.add(Controller, sim.device),
    Context.add(ServerControl, sim.control),
    Context.add(ConnectionRegistry, sim.registry),
    Context.add(EnipServer, sim.server)
  )

/** Everything but the listeners: tags, controller, control, registry (and the Simulator's parts). */
export const SimulatorCoreLive = (config: SimulatorConfig) =>
  Layer.scopedContext(Effect.map(makeCore(config), (core) =>
    Context.make(TagStore, core.tags).pipe(
      Context.add(Controller, core.device),
      Context.add(ServerControl, core.control),
      Context.add(ConnectionRegistry, core.registry)
    )))

/**
 * The simulator as a Layer: provides Simulator, TagStore, Controller, ServerControl,
 * ConnectionRegistry and EnipServer (the bound addresses), all from one `makeSimulator`.
 */
export const SimulatorLive = (config: SimulatorConfig) => Layer.scopedContext(Effect.map(makeSimulator(config), contextOf))

export { ConnectionRegistry, Controller, EnipServer, ServerControl, TagStore }
