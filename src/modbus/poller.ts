/**
 * The ModbusPoller service (cpppo's `remote.plc_modbus.poller_modbus`): polls register ranges of
 * one Modbus/TCP device at their rates, keeps the last value of each register with its time, and
 * publishes changes. Scoped: its connection and poll fibers stop with its scope.
 *
 * - Polled addresses are merged into requests (`reach`) within the 125-register / 2000-bit limits.
 * - A lost connection, a timeout or a malformed response marks the affected values stale and
 *   the connection is re-opened with exponential back-off; a stale value is reported as stale
 *   (`read`) and refused by `readFresh`, never served as fresh.
 * - Writes go out at once on the same connection (functions 5/6/15/16) and fail, never pretend,
 *   when the device is not connected or answers an exception.
 */
import { Context, Data, Effect, Either, FiberMap, Layer, PubSub, type Scope, Stream } from "effect"
import { format, formatRange, parseAddress, parseRangeSpec, type RegisterAddress, type RegisterRange, TABLES } from "./addresses.js"
import { connectModbus, type ModbusConnection, ModbusError } from "./client.js"
import { LIMITS, type ModbusRequest } from "./codec.js"
import { mergeRanges, type RequestLimits, shatter } from "./merge.js"

export interface PollerConfig {
  readonly host: string
  /** Default 502. */
  readonly port?: number
  /** Unit id of every request (default 1). */
  readonly unit?: number
  /** Connect and request timeout, milliseconds (default 1000). */
  readonly timeout?: number
  /** Merge polled addresses fewer than this many elements apart (default 1: adjacent only). */
  readonly reach?: number
  /** Default poll period, seconds (default 1). */
  readonly rate?: number
  /** Reconnect back-off, milliseconds: from `min` doubling to `max` (default 100 .. 5000). */
  readonly backoff?: { readonly min?: number; readonly max?: number }
  /** Requests in flight at once (default 1: many PLCs answer one at a time). */
  readonly depth?: number
  /** Per-request limits, for devices that allow fewer than Modbus does. */
  readonly limits?: RequestLimits
}

export type RegisterValue = number | boolean

/** The last polled value of a register. */
export interface Reading {
  readonly value: RegisterValue
  /** When it was read (epoch ms). */
  readonly at: number
  /** Milliseconds since then. */
  readonly age: number
  /** The device stopped answering for it since: do not use as current. */
  readonly stale: boolean
}

/** A contiguous run of registers whose values changed in one poll (or went stale). */
export interface Change {
  readonly range: RegisterRange
  /** `40005-40008`. */
  readonly address: string
  /** New values (the last known values when `stale`). */
  readonly values: ReadonlyArray<RegisterValue>
  /** Values before the change (undefined where there was none). */
  readonly previous: ReadonlyArray<RegisterValue | undefined>
  readonly at: number
  readonly stale: boolean
  /** Why the values went stale. */
  readonly reason?: string
}

export class PollerError extends Data.TaggedError("PollerError")<{
  readonly reason: "BadAddress" | "NotPolled" | "NoValue" | "Stale" | "ReadOnly" | "BadValue"
  readonly message: string
}> {}

/** Figures since the poller started. */
export interface PollSummary {
  readonly seconds: number
  readonly requests: number
  readonly errors: number
  readonly registers: number
  readonly requestsPerSecond: number
  readonly registersPerSecond: number
  readonly latency: { readonly min: number; readonly mean: number; readonly p50: number; readonly p99: number; readonly max: number }
  readonly connects: number
  readonly connected: boolean
  readonly lastError: string | undefined
}

export interface ModbusPollerService {
  readonly host: string
  readonly port: number
  /** Poll a range (`40001-40010`, `1`, or a RegisterRange) every `rate` seconds (default: the poller's). */
  readonly poll: (range: string | RegisterAddress | RegisterRange, rate?: number) => Effect.Effect<RegisterRange, PollerError>
  /** Poll several ranges at one rate, all in place before their first reads are planned. */
  readonly pollAll: (ranges: ReadonlyArray<string | RegisterAddress | RegisterRange>, rate?: number) => Effect.Effect<ReadonlyArray<RegisterRange>, PollerError>
  /** The last value of a polled register, with its age and whether it is stale. */
  readonly read: (address: string | RegisterAddress) => Effect.Effect<Reading, PollerError>
  /** The values of a polled range, each read within `maxAge` ms and not stale; else `Stale`/`NoValue`. */
  readonly readFresh: (range: RegisterRange, maxAge: number) => Effect.Effect<ReadonlyArray<RegisterValue>, PollerError>
  /** Write registers or coils from `address` (one value: function 5/6; several: 15/16). */
  readonly write: (address: string | RegisterAddress, values: RegisterValue | ReadonlyArray<RegisterValue>) => Effect.Effect<void, PollerError | ModbusError>
  /** Every change of a polled value (and every fall to stale), from subscription on. */
  readonly changes: Stream.Stream<Change>
  readonly connected: () => boolean
  readonly summary: Effect.Effect<PollSummary>
}

export class ModbusPoller extends Context.Tag("cpppo/modbus/ModbusPoller")<ModbusPoller, ModbusPollerService>() {
  static layer = (config: PollerConfig): Layer.Layer<ModbusPoller> => Layer.scoped(ModbusPoller, makeModbusPoller(config))
}

interface Cell {
  value: RegisterValue | undefined
  at: number
  stale: boolean
}

const key = (table: string, offset: number) => `${table}:${offset}`
const rangeKey = (r: RegisterRange) => `${r.table}:${r.offset}+${r.count}`
const LATENCIES = 4096

/** Start a poller in the current scope (it connects in the background). */
export const makeModbusPoller = (config: PollerConfig): Effect.Effect<ModbusPollerService, never, Scope.Scope> =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope
    const port = config.port ?? 502
    const unit = config.unit ?? 1
    const timeout = config.timeout ?? 1000
    const reach = config.reach ?? 1
    const defaultRate = config.rate ?? 1
    const depth = Math.max(1, config.depth ?? 1)
    const limits = config.limits ?? {}
    const backoffMin = config.backoff?.min ?? 100
    const backoffMax = config.backoff?.max ?? 5000
    const changes = yield* PubSub.sliding<Change>(65536)

    const cells = new Map<string, Cell>()
    /** Polled ranges by rate (ms) → set of range keys → range. */
    const groups = new Map<number, Map<string, RegisterRange>>()
    const fibers = yield* FiberMap.make<number>()
    const apart = new Set<string>()
    let conn: ModbusConnection | undefined
    const started = Date.now()
    const stats = { requests: 0, errors: 0, registers: 0, connects: 0, lastError: undefined as string | undefined }
    const latencies = new Float64Array(LATENCIES)
    let latencyCount = 0
    let latencySum = 0
    let latencyMin = Infinity
    let latencyMax = 0

    const publish = (list: ReadonlyArray<Change>) => (list.length === 0 ? Effect.void : PubSub.publishAll(changes, list))

    /** Store a response's values; the changed runs (and runs that were stale) become Changes. */
    const store = (range: RegisterRange, values: ReadonlyArray<RegisterValue>, at: number): Array<Change> => {
      const out: Array<Change> = []
      let runStart = -1
      let prev: Array<RegisterValue | undefined> = []
      const flush = (end: number) => {
        if (runStart < 0) return
        const r = { table: range.table, offset: range.offset + runStart, count: end - runStart }
        out.push({ range: r, address: formatRange(r), values: values.slice(runStart, end), previous: prev, at, stale: false })
        runStart = -1
        prev = []
      }
      for (let i = 0; i < values.length; i++) {
        const k = key(range.table, range.offset + i)
        let cell = cells.get(k)
        if (cell === undefined) { cell = { value: undefined, at: 0, stale: true }; cells.set(k, cell) }
        const changed = cell.value !== values[i] || cell.stale
        if (changed) {
          if (runStart < 0) runStart = i
          prev.push(cell.value)
        } else flush(i)
        cell.value = values[i]
        cell.at = at
        cell.stale = false
      }
      flush(values.length)
      return out
    }

    /** Mark a range stale; runs that were fresh become Changes. */
    const markStale = (range: RegisterRange, reason: string): Array<Change> => {
      const out: Array<Change> = []
      const now = Date.now()
      let runStart = -1
      const vals: Array<RegisterValue> = []
      const flush = (end: number) => {
        if (runStart < 0) return
        const r = { table: range.table, offset: range.offset + runStart, count: end - runStart }
        out.push({ range: r, address: formatRange(r), values: vals.splice(0), previous: [], at: now, stale: true, reason })
        runStart = -1
      }
      for (let i = 0; i < range.count; i++) {
        const cell = cells.get(key(range.table, range.offset + i))
        if (cell !== undefined && !cell.stale && cell.value !== undefined) {
          if (runStart < 0) runStart = i
          vals.push(cell.value)
          cell.stale = true
        } else flush(i)
      }
      flush(range.count)
      return out
    }

    const allPolled = () => [...groups.values()].flatMap((g) => [...g.values()])
    const markAllStale = (reason: string) => publish(allPolled().flatMap((r) => markStale(r, reason)))

    const recordLatency = (ms: number) => {
      latencies[latencyCount % LATENCIES] = ms
      latencyCount++
      latencySum += ms
      if (ms < latencyMin) latencyMin = ms
      if (ms > latencyMax) latencyMax = ms
    }

    const readRequest = (r: RegisterRange): ModbusRequest => ({ fc: TABLES[r.table].readFc as 1 | 2 | 3 | 4, address: r.offset, quantity: r.count })

    /** One poll request: values stored, or the range marked stale (and the connection dropped when it cannot be trusted). */
    const pollOne = (c: ModbusConnection, range: RegisterRange, request: ModbusRequest, inside: ReadonlyArray<RegisterRange>) =>
      Effect.suspend(() => {
        const t0 = performance.now()
        return c.request(unit, request).pipe(
          Effect.matchEffect({
            onSuccess: (reply) => {
              recordLatency(performance.now() - t0)
              stats.requests++
              stats.registers += range.count
              const values: ReadonlyArray<RegisterValue> = reply._tag === "Bits" || reply._tag === "Registers" ? reply.values : []
              return publish(store(range, values, Date.now()))
            },
            onFailure: (e) => {
              stats.errors++
              stats.lastError = `${formatRange(range)}: ${e.message}`
              // A merged read refused for its addresses: poll its parts apart from now on.
              if (e.reason === "Exception" && inside.length > 1 && (e.code === 2 || e.code === 3)) for (const p of inside) apart.add(rangeKey(p))
              if (e.reason === "Timeout" || e.reason === "Malformed") c.close()
              return publish(markStale(range, e.message))
            }
          })
        )
      })

    /** The requests of one rate group, merged, each with the polled ranges inside it. */
    const plan = (group: Map<string, RegisterRange>) => {
      const polled = [...group.values()]
      const merged = mergeRanges(polled, reach, limits, (r) => apart.has(rangeKey(r)))
      return merged.map((range) => ({
        range,
        request: readRequest(range),
        inside: polled.filter((p) => p.table === range.table && p.offset >= range.offset && p.offset < range.offset + range.count)
      }))
    }

    const cycle = (rateMs: number) =>
      Effect.gen(function* () {
        let target = Date.now()
        for (;;) {
          const now = Date.now()
          if (now < target) yield* Effect.sleep(target - now)
          const slipped = Math.max(0, Math.floor((Date.now() - target) / rateMs))
          target += rateMs * (slipped + 1)
          const group = groups.get(rateMs)
          if (group === undefined || group.size === 0) continue
          const c = conn
          const requests = plan(group)
          if (c === undefined || !c.isOpen()) {
            yield* publish(requests.flatMap((q) => markStale(q.range, "not connected")))
            continue
          }
          yield* Effect.forEach(requests, (q) => pollOne(c, q.range, q.request, q.inside), { concurrency: depth, discard: true })
        }
      })

    // The connection: open, serve until it closes, back off, open again. The back-off starts over
    // only after a connection the device answered on: one that accepts and closes at once (as
    // devices do at their connection limit) is not hammered every `backoffMin`.
    const manage = Effect.gen(function* () {
      let delay = backoffMin
      for (;;) {
        const outcome = yield* Effect.scoped(
          Effect.gen(function* () {
            const c = yield* connectModbus({ host: config.host, port, timeout })
            conn = c
            stats.connects++
            yield* Effect.logDebug(`modbus poller: connected to ${config.host}:${port}`)
            yield* c.closed
            return c.answered()
          })
        ).pipe(Effect.either)
        conn = undefined
        if (Either.isRight(outcome) && outcome.right > 0) delay = backoffMin
        const why = Either.isLeft(outcome) ? outcome.left.message : "connection closed"
        if (Either.isLeft(outcome)) stats.lastError = why
        yield* markAllStale(why)
        yield* Effect.sleep(delay)
        delay = Math.min(backoffMax, delay * 2)
      }
    })
    yield* Effect.forkIn(manage, scope)

    const parseRange = (range: string | RegisterAddress | RegisterRange): Either.Either<RegisterRange, PollerError> => {
      if (typeof range !== "string") return Either.right("count" in range ? range : { ...range, count: 1 })
      const r = parseRangeSpec(range)
      return Either.isLeft(r) ? Either.left(new PollerError({ reason: "BadAddress", message: r.left.message })) : Either.right({ table: r.right.table, offset: r.right.offset, count: r.right.count })
    }
    const parseOne = (a: string | RegisterAddress): Either.Either<RegisterAddress, PollerError> => {
      if (typeof a !== "string") return Either.right(a)
      const r = parseAddress(a)
      return Either.isLeft(r) ? Either.left(new PollerError({ reason: "BadAddress", message: r.left.message })) : Either.right(r.right)
    }

    /** Add one range to its rate group (the group's cycle is started by the caller). */
    const add = (range: string | RegisterAddress | RegisterRange, rateMs: number) =>
      Effect.gen(function* () {
        const r = yield* parseRange(range)
        if (r.offset + r.count > 65536 || r.count < 1) return yield* new PollerError({ reason: "BadAddress", message: `${formatRange(r)} runs past the table` })
        const k = rangeKey(r)
        for (const [ms, g] of groups) if (ms !== rateMs) g.delete(k)
        let group = groups.get(rateMs)
        if (group === undefined) { group = new Map(); groups.set(rateMs, group) }
        group.set(k, r)
        for (let i = 0; i < r.count; i++) {
          const ck = key(r.table, r.offset + i)
          if (!cells.has(ck)) cells.set(ck, { value: undefined, at: 0, stale: true })
        }
        return r
      })
    const start = (rateMs: number) =>
      Effect.flatMap(FiberMap.has(fibers, rateMs), (running) => (running ? Effect.void : FiberMap.run(fibers, rateMs, cycle(rateMs))))
    const rateMsOf = (rate: number | undefined) => Math.max(1, Math.round((rate ?? defaultRate) * 1000))

    // Every range is in its group before the group's first cycle plans its reads, so the first
    // requests are already merged (`reach`) as all later ones.
    const pollAll = (ranges: ReadonlyArray<string | RegisterAddress | RegisterRange>, rate?: number) => {
      const rateMs = rateMsOf(rate)
      return Effect.tap(Effect.forEach(ranges, (r) => add(r, rateMs)), () => start(rateMs))
    }
    const poll = (range: string | RegisterAddress | RegisterRange, rate?: number) =>
      Effect.map(pollAll([range], rate), (added) => added[0]!)

    const cellOf = (a: RegisterAddress): Either.Either<Cell, PollerError> => {
      const cell = cells.get(key(a.table, a.offset))
      if (cell === undefined) return Either.left(new PollerError({ reason: "NotPolled", message: `${format(a)} is not polled` }))
      if (cell.value === undefined) return Either.left(new PollerError({ reason: "NoValue", message: `${format(a)} has not been read yet${stats.lastError ? ` (${stats.lastError})` : ""}` }))
      return Either.right(cell)
    }

    const read = (address: string | RegisterAddress) =>
      Effect.flatMap(parseOne(address), (a) =>
        Effect.map(cellOf(a), (cell) => ({ value: cell.value!, at: cell.at, age: Date.now() - cell.at, stale: cell.stale })))

    const readFresh = (range: RegisterRange, maxAge: number) =>
      Effect.suspend(() => {
        const now = Date.now()
        const out: Array<RegisterValue> = []
        for (let i = 0; i < range.count; i++) {
          const a = { table: range.table, offset: range.offset + i }
          const c = cellOf(a)
          if (Either.isLeft(c)) return Effect.fail(c.left)
          const cell = c.right
          if (cell.stale || now - cell.at > maxAge) {
            const why = cell.stale ? `stale${stats.lastError ? ` (${stats.lastError})` : ""}` : `${((now - cell.at) / 1000).toFixed(1)} s old`
            return Effect.fail(new PollerError({ reason: "Stale", message: `${format(a)}: no fresh value from ${config.host}:${port}: ${why}` }))
          }
          out.push(cell.value!)
        }
        return Effect.succeed(out)
      })

    const write = (address: string | RegisterAddress, given: RegisterValue | ReadonlyArray<RegisterValue>) =>
      Effect.gen(function* () {
        const a = yield* parseOne(address)
        const values: ReadonlyArray<RegisterValue> = Array.isArray(given) ? given : [given as RegisterValue]
        if (!TABLES[a.table].writable) return yield* new PollerError({ reason: "ReadOnly", message: `${format(a)}: ${a.table === "input" ? "input registers" : "discrete inputs"} cannot be written` })
        if (values.length === 0 || a.offset + values.length > 65536) return yield* new PollerError({ reason: "BadValue", message: `${format(a)}: ${values.length} values do not fit` })
        const bits = TABLES[a.table].bits
        const bad = values.find((v) => (bits ? typeof v !== "boolean" && v !== 0 && v !== 1 : typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffff))
        if (bad !== undefined) return yield* new PollerError({ reason: "BadValue", message: `${format(a)}: ${String(bad)} is not a ${bits ? "coil value (0/1)" : "register value (0..65535)"}` })
        const c = conn
        if (c === undefined || !c.isOpen()) return yield* new ModbusError({ reason: "Closed", message: `not connected to ${config.host}:${port}` })
        const chunks = shatter({ table: a.table, offset: a.offset, count: values.length }, { registers: LIMITS.writeRegisters, bits: LIMITS.writeBits })
        for (const chunk of chunks) {
          const part = values.slice(chunk.offset - a.offset, chunk.offset - a.offset + chunk.count)
          const request: ModbusRequest = bits
            ? part.length === 1 ? { fc: 5, address: chunk.offset, value: part[0] === true || part[0] === 1 } : { fc: 15, address: chunk.offset, values: part.map((v) => v === true || v === 1) }
            : part.length === 1 ? { fc: 6, address: chunk.offset, value: part[0] as number } : { fc: 16, address: chunk.offset, values: part as ReadonlyArray<number> }
          yield* c.request(unit, request)
          // The device took the values: polled registers show them at once.
          const stored = part.map((v) => (bits ? v === true || v === 1 : v))
          const polledPart = stored.map((_, i) => cells.has(key(chunk.table, chunk.offset + i)))
          if (polledPart.every(Boolean)) yield* publish(store(chunk, stored, Date.now()))
        }
      })

    const summary = Effect.sync((): PollSummary => {
      const seconds = (Date.now() - started) / 1000
      const n = Math.min(latencyCount, LATENCIES)
      const sorted = Array.from(latencies.subarray(0, n)).sort((x, y) => x - y)
      const pct = (p: number) => (n === 0 ? 0 : sorted[Math.min(n - 1, Math.floor(p * n))]!)
      return {
        seconds,
        requests: stats.requests,
        errors: stats.errors,
        registers: stats.registers,
        requestsPerSecond: seconds > 0 ? stats.requests / seconds : 0,
        registersPerSecond: seconds > 0 ? stats.registers / seconds : 0,
        latency: { min: latencyCount ? latencyMin : 0, mean: latencyCount ? latencySum / latencyCount : 0, p50: pct(0.5), p99: pct(0.99), max: latencyMax },
        connects: stats.connects,
        connected: conn !== undefined && conn.isOpen(),
        lastError: stats.lastError
      }
    })

    return {
      host: config.host,
      port,
      poll,
      pollAll,
      read,
      readFresh,
      write,
      changes: Stream.fromPubSub(changes),
      connected: () => conn !== undefined && conn.isOpen(),
      summary
    } satisfies ModbusPollerService
  })
