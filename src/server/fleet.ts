/**
 * A fleet: many simulated controllers in one process, each built by `makeSimulator` from its own
 * config, each in its own child Scope. They share only the runtime, the logger and the
 * process-wide limits (one ProcessLimits: memory held by sessions, sessions in all; sessions per
 * peer count per controller); nothing else mutable is shared, so a fault on one cannot reach
 * another.
 *
 * `done` on one controller (web API `server/control/done`, or `control.finish`) stops that
 * controller alone: its scope closes (listeners, sessions). `awaitAllDone` completes once every
 * controller has stopped, which is when the CLI exits.
 */
import { Context, Data, Deferred, Effect, ExecutionStrategy, Exit, Layer, Option, Scope } from "effect"
import { formatHostPort } from "./addressRange.js"
import { makeProcessLimits, perServerPeers, ProcessLimits, type ProcessLimitsOptions } from "./limits.js"
import { makeModbusDevice, type ModbusConfigError, type ModbusDeviceConfig, type ModbusDeviceService } from "../modbus/device.js"
import type { TagStoreService } from "../tags/tagStore.js"
import { makeSimulator, type SimulatorConfig, type SimulatorError, type SimulatorOptions, type SimulatorService } from "./simulator.js"

/** An EtherNet/IP controller's config in a fleet: a simulator config with its (unique) name. */
export interface EnipMemberConfig extends SimulatorConfig {
  readonly name: string
  readonly kind?: "enip"
}

/** A Modbus/TCP device's config in a fleet (`kind: "modbus"`): built by `makeModbusDevice`. */
export interface ModbusMemberConfig extends ModbusDeviceConfig {
  readonly name: string
  readonly kind: "modbus"
}

/** One device of a fleet, by kind (an EtherNet/IP controller unless `kind: "modbus"`). */
export type FleetMemberConfig = EnipMemberConfig | ModbusMemberConfig

/** A controller of the fleet could not start (nothing of the fleet keeps running). */
export class FleetStartError extends Data.TaggedError("FleetStartError")<{
  readonly name: string
  readonly message: string
  /** What stopped it (a TagSpecError, AttributeError, ListenError, ModbusConfigError…). */
  readonly cause: SimulatorError | ModbusConfigError
}> {}

export interface FleetOptions extends SimulatorOptions {
  /**
   * Runs for each Modbus device after its registers are built and before it listens, in its
   * scope (what `prepare` is to a controller: printing, history).
   */
  readonly prepareDevice?: (device: { readonly name: string; readonly tags: TagStoreService; readonly registers: ModbusDeviceService["registers"] }) => Effect.Effect<void, Error, Scope.Scope>
  /** How many controllers start at once (default: all; starting is mostly waiting on listen()). */
  readonly concurrency?: number | "unbounded"
  /**
   * The process-wide limits every controller's server shares (memory held by sessions, sessions
   * per peer address, sessions in all by the descriptor limit), made from these options unless a
   * `ProcessLimits` service is in the context already.
   */
  readonly limits?: ProcessLimitsOptions
}

export interface FleetService {
  /** The EtherNet/IP controllers by name, in config order. */
  readonly controllers: ReadonlyMap<string, SimulatorService>
  /** The Modbus/TCP devices (`kind: "modbus"`) by name, in config order. */
  readonly devices: ReadonlyMap<string, ModbusDeviceService>
  /** Has this controller stopped (done)? */
  readonly stopped: (name: string) => boolean
  /** Completes once every controller has stopped. */
  readonly awaitAllDone: Effect.Effect<void>
}

/** The running fleet (a one-entry fleet for a single simulator). */
export class Fleet extends Context.Tag("cpppo/server/Fleet")<Fleet, FleetService>() {}

/** Start every controller (concurrently), each in its own scope under the current one. */
export const makeFleet = (configs: ReadonlyArray<FleetMemberConfig>, options: FleetOptions = {}): Effect.Effect<FleetService, FleetStartError, Scope.Scope> =>
  Effect.gen(function* () {
    const parent = yield* Effect.scope
    const names = new Set<string>()
    for (const c of configs) {
      if (names.has(c.name)) return yield* new FleetStartError({ name: c.name, message: `${c.name}: two controllers have this name`, cause: new Error(`two controllers are named ${c.name}`) })
      names.add(c.name)
    }
    // One budget for the whole process: the bytes sessions hold and the sessions in all (the
    // descriptor limit) count across every controller; sessions per peer count per controller,
    // so one SCADA host may hold a session with each (unless the context brings its own limits).
    const given = yield* Effect.serviceOption(ProcessLimits)
    const shared = Option.isSome(given) ? given.value : makeProcessLimits({ ...options.limits, maxSessionsPerPeer: Infinity })
    const limitsOf = () => (Option.isSome(given) ? shared : perServerPeers(shared, options.limits?.maxSessionsPerPeer))
    const stopped = new Set<string>()
    const allDone = yield* Deferred.make<void>()
    const started = yield* Effect.forEach(configs, (config) =>
      Effect.gen(function* () {
        const scope = yield* Scope.fork(parent, ExecutionStrategy.sequential)
        const build: Effect.Effect<SimulatorService | ModbusDeviceService, SimulatorError | ModbusConfigError, Scope.Scope> = config.kind === "modbus"
          ? makeModbusDevice(options.prepareDevice === undefined ? config : { ...config, prepare: options.prepareDevice })
          : makeSimulator(config, options)
        const built = yield* build.pipe(
          Effect.provideService(ProcessLimits, limitsOf()),
          Scope.extend(scope),
          Effect.mapError((e) => new FleetStartError({ name: config.name, message: `${config.name} (${formatHostPort(config)}): ${e.message}`, cause: e }))
        )
        // done on this controller: stop it alone; the last one to stop ends the fleet.
        yield* Effect.forkIn(
          built.control.awaitDone.pipe(
            Effect.zipRight(Effect.logInfo(`${config.name}: done, stopping`)),
            Effect.zipRight(Scope.close(scope, Exit.void)),
            Effect.zipRight(Effect.suspend(() => {
              stopped.add(config.name)
              return stopped.size === configs.length ? Deferred.succeed(allDone, undefined) : Effect.void
            }))
          ),
          parent
        )
        return { kind: config.kind ?? "enip", built }
      }), { concurrency: options.concurrency ?? "unbounded" })
    if (configs.length === 0) yield* Deferred.succeed(allDone, undefined)
    const controllers = new Map<string, SimulatorService>()
    const devices = new Map<string, ModbusDeviceService>()
    for (const { kind, built } of started) {
      if (kind === "modbus") devices.set(built.name, built as ModbusDeviceService)
      else controllers.set(built.name, built as SimulatorService)
    }
    return {
      controllers,
      devices,
      stopped: (name) => stopped.has(name),
      awaitAllDone: Deferred.await(allDone)
    } satisfies FleetService
  })

/** The fleet as a Layer. */
export const FleetLive = (configs: ReadonlyArray<FleetMemberConfig>, options?: FleetOptions) => Layer.scoped(Fleet, makeFleet(configs, options))

/** A one-entry fleet around a simulator that is already running (so the web API has one path). */
export const singleFleet = (sim: SimulatorService): FleetService => ({
  controllers: new Map([[sim.name, sim]]),
  devices: new Map(),
  stopped: () => false,
  awaitAllDone: sim.control.awaitDone
})
