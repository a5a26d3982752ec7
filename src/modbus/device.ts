/**
 * A simulated Modbus/TCP PLC as a value: `makeModbusDevice(config)` builds everything one device
 * owns — its registers (a TagStore), its control state (delay, disable, done), its session
 * registry and its TCP listener with sessions as scoped fibers — in the caller's Scope. Closing
 * that scope stops this device alone, so a fleet can build many in one process
 * (`Effect.forEach(configs, makeModbusDevice)`); `ModbusDevice.layer(config)` is the one-device Layer.
 */
import { Context, Data, Effect, Either, Layer, Option, type Scope } from "effect"
import { makeServerControl, ServerControl, type ServerControlService } from "../server/control.js"
import { makeProcessLimits, ProcessLimits } from "../server/limits.js"
import { ConnectionRegistry, type ConnectionRegistryService, makeConnectionRegistry } from "../server/registry.js"
import type { BoundAddress } from "../server/server.js"
import type { Framer } from "../server/session.js"
import { serveTcp } from "../server/tcp.js"
import { makeTagStore, TagStore, type TagStoreService } from "../tags/tagStore.js"
import type { RangeSpec } from "./addresses.js"
import { ControllerStats } from "../server/stats.js"
import { type DeviceObjects, Fc, makeMbapFramer, MBAP_SIZE } from "./codec.js"
import { answerAdu, type HandlerContext } from "./handler.js"
import { type BoundRun, makeRegisterMap, planRuns, type RegisterMap, runSpec } from "./registers.js"

/** Read Device Identification objects (function 43/14), by name. */
export interface ModbusIdentity {
  readonly vendorName: string
  readonly productCode: string
  readonly revision: string
  readonly vendorUrl?: string
  readonly productName?: string
  readonly modelName?: string
  readonly userApplicationName?: string
}

export const DEFAULT_IDENTITY: ModbusIdentity = {
  vendorName: "cpppo",
  productCode: "CPPPO-MODBUS",
  revision: "0.1",
  vendorUrl: "https://github.com/pjkundert/cpppo",
  productName: "cpppo Modbus/TCP simulator",
  modelName: "modbus-sim"
}

export interface ModbusDeviceConfig {
  /** A name for logs and fleets (default: the bound address). */
  readonly name?: string
  /** Interface to bind ("0.0.0.0" or "" for all). */
  readonly host: string
  /** TCP port; 0 asks the OS (Modbus/TCP's own is 502). */
  readonly port: number
  /** Register ranges and initial values, `40001-40100=99`, `1-64=0`, `400001=1,2,3`. */
  readonly registers: ReadonlyArray<string | RangeSpec>
  /** Unit ids answered; others get exception 0x0B. Default: every unit id. */
  readonly units?: ReadonlyArray<number>
  /** Reply delay, seconds or a range re-drawn every second. */
  readonly delay?: number | readonly [number, number]
  /** Idle session timeout, seconds (default 120; 0 never). */
  readonly idleTimeout?: number
  /** Most TCP sessions at once (default 256). */
  readonly maxSessions?: number
  /** Unsent reply bytes allowed per session before it is closed (default 1 MB). */
  readonly maxOutput?: number
  readonly identity?: Partial<ModbusIdentity>
  /**
   * Runs after the registers are built and before the device listens, in its scope: subscribe
   * event sinks (printing, history) here and no client request can come before them.
   */
  readonly prepare?: (device: { readonly name: string; readonly tags: TagStoreService; readonly registers: RegisterMap }) => Effect.Effect<void, Error, Scope.Scope>
}

/**
 * A configuration that cannot be built (bad register spec, unit id), a port that cannot be
 * bound, or a `prepare` that failed.
 */
export class ModbusConfigError extends Data.TaggedError("ModbusConfigError")<{
  readonly reason: "Registers" | "Units" | "Listen" | "Prepare"
  readonly message: string
}> {}

/** One running simulated Modbus PLC. */
export interface ModbusDeviceService {
  readonly name: string
  readonly address: BoundAddress
  /** The registers as tags (one per run of addresses, named by its first address). */
  readonly tags: TagStoreService
  readonly registers: RegisterMap
  readonly control: ServerControlService
  readonly registry: ConnectionRegistryService
  /** Unit ids served (undefined: all). */
  readonly units: ReadonlySet<number> | undefined
  /** Requests answered, by function (`ReadHoldingRegisters`) and exception code (0: none); bytes in and out. */
  readonly stats: ControllerStats
}

/** Function code → its name in the counters (`ReadHoldingRegisters`, or `function 0x41`). */
const FUNCTION_NAMES = new Map<number, string>(Object.entries(Fc).map(([name, code]) => [code, name]))
const functionName = (fc: number) => FUNCTION_NAMES.get(fc) ?? `function 0x${fc.toString(16).padStart(2, "0")}`

/** Count one reply ADU (its function and exception code) in the device's counters. */
const counting = (stats: ControllerStats) => (reply: Uint8Array): Uint8Array => {
  const fc = reply[MBAP_SIZE] ?? 0
  stats.request(functionName(fc & 0x7f), fc & 0x80 ? reply[MBAP_SIZE + 1] ?? 0 : 0)
  return reply
}

/** The device in context (one-device apps and tests). */
export class ModbusDevice extends Context.Tag("cpppo/modbus/ModbusDevice")<ModbusDevice, ModbusDeviceService>() {
  /** One device as a Layer, also providing its TagStore, ServerControl and ConnectionRegistry (for the web API). */
  static layer = (config: ModbusDeviceConfig) =>
    Layer.scopedContext(Effect.map(makeModbusDevice(config), (d) =>
      Context.make(ModbusDevice, d).pipe(
        Context.add(TagStore, d.tags),
        Context.add(ServerControl, d.control),
        Context.add(ConnectionRegistry, d.registry)
      )))
}

const identityObjects = (given: Partial<ModbusIdentity> | undefined): DeviceObjects => {
  const id = { ...DEFAULT_IDENTITY, ...given }
  const objects = new Map<number, string>([[0, id.vendorName], [1, id.productCode], [2, id.revision]])
  if (id.vendorUrl !== undefined) objects.set(3, id.vendorUrl)
  if (id.productName !== undefined) objects.set(4, id.productName)
  if (id.modelName !== undefined) objects.set(5, id.modelName)
  if (id.userApplicationName !== undefined) objects.set(6, id.userApplicationName)
  return objects
}

/** Adapt the MBAP framer to the session's Framer. */
const sessionFramer = (): Framer => {
  const f = makeMbapFramer()
  return {
    buffered: f.buffered,
    push: (chunk) => {
      const r = f.push(chunk)
      return r.error === undefined ? r.frames : { frames: r.frames, error: r.error }
    }
  }
}

/** Build and start one device in the current scope. */
export const makeModbusDevice = (config: ModbusDeviceConfig): Effect.Effect<ModbusDeviceService, ModbusConfigError, Scope.Scope> =>
  Effect.gen(function* () {
    const planned = planRuns(config.registers)
    if (Either.isLeft(planned)) return yield* new ModbusConfigError({ reason: "Registers", message: planned.left.message })
    if (planned.right.length === 0) return yield* new ModbusConfigError({ reason: "Registers", message: "no registers: give at least one range, e.g. 40001-40010" })
    for (const u of config.units ?? []) {
      if (!Number.isInteger(u) || u < 0 || u > 255) return yield* new ModbusConfigError({ reason: "Units", message: `bad unit id ${u}: expected 0..255` })
    }
    const tags = yield* makeTagStore(planned.right.map(runSpec)).pipe(
      Effect.mapError((e) => new ModbusConfigError({ reason: "Registers", message: e.message })))
    const bound: Array<BoundRun> = []
    for (const run of planned.right) {
      const tag = tags.find(run.name)!
      const sync = tag.attribute.sync
      // Initial values go straight to the storage: they are not client I/O (no events).
      if (sync) sync.unsafeWrite(0, tag.type === "BOOL" ? run.values.map((v) => v !== 0) : run.values)
      else yield* tag.attribute.write(0, tag.type === "BOOL" ? run.values.map((v) => v !== 0) : run.values).pipe(
        Effect.mapError((e) => new ModbusConfigError({ reason: "Registers", message: `${run.name}: ${e.message}` })))
      bound.push({ ...run, tag })
    }
    const registers = makeRegisterMap(bound)
    const units = config.units === undefined || config.units.length === 0 ? undefined : new Set(config.units)
    const control = yield* makeServerControl({
      ...(config.delay !== undefined ? { delay: config.delay } : {}),
      ...(config.idleTimeout !== undefined ? { timeout: config.idleTimeout } : {})
    })
    const registry = makeConnectionRegistry()
    const stats = new ControllerStats()
    const count = counting(stats)
    const ctx: HandlerContext = { tags, registers, units, identity: identityObjects(config.identity) }
    const host = config.host === "" ? "0.0.0.0" : config.host
    if (config.prepare !== undefined) {
      yield* config.prepare({ name: config.name ?? `${host}:${config.port}`, tags, registers }).pipe(
        Effect.mapError((e) => new ModbusConfigError({ reason: "Prepare", message: e.message })))
    }
    // The process-wide limits (sessions per peer, bytes held, the fd limit) when the program
    // shares one; else this device's own.
    const given = yield* Effect.serviceOption(ProcessLimits)
    const limits = Option.isSome(given) ? given.value : makeProcessLimits()
    const address = yield* serveTcp(
      { host, port: config.port, maxSessions: Math.min(config.maxSessions ?? 256, limits.maxSessions), limits },
      {
        makeFramer: sessionFramer,
        makeHandler: () => ({
          frame: (frame) => {
            const reply = answerAdu(ctx, frame)
            return reply instanceof Uint8Array ? count(reply) : Effect.map(reply, count)
          },
          // A broken MBAP stream cannot be resynchronised: close without a reply.
          framingError: () => undefined,
          close: () => {}
        }),
        control,
        registry,
        maxOutput: config.maxOutput ?? 1024 * 1024,
        stats
      },
      control,
      registry
    ).pipe(Effect.mapError((e) => new ModbusConfigError({ reason: "Listen", message: e.message })))
    const name = config.name ?? `${address.host}:${address.port}`
    yield* Effect.logInfo(`Modbus/TCP server ${name} listening on ${address.host}:${address.port}, ${registers.runs.length} register range(s)`)
    return { name, address, tags, registers, control, registry, units, stats } satisfies ModbusDeviceService
  })
