/**
 * The EtherNet/IP poller (cpppo's `poll`): reads tags of a controller at a fixed cadence with
 * our client (pipelined, packed into Multiple Service Packets with `multiple`), and reports each
 * run of elements whose values changed. Read-only by construction: it builds read operations
 * only, and refuses any that would write.
 *
 * A lost connection (refused, reset, a timeout) is reported once as a gap on every polled tag,
 * at the time it was noticed; the poller reconnects with exponential back-off (from the poll
 * period, ×1.5, up to ten periods, as cpppo does), and the first poll after it reports every
 * value again. Nothing is interpolated across a gap.
 */
import { Clock, Data, Duration, Effect, Either, type Scope } from "effect"
import type { CipValue, TypeName } from "../cip/types.js"
import { Client } from "../client/client.js"
import { type Operation, parseOperation, printTarget } from "../client/operations.js"
import { resultText, type OperationResult } from "../client/results.js"
import type { EPath } from "../cip/model.js"

/** What to poll and how. */
export interface PollConfig {
  readonly host: string
  readonly port: number
  /** Tags to read: `Level`, `SCADA[0-99]`, `Program:Main.Speed`, `Motor.Speed`. */
  readonly tags: ReadonlyArray<string>
  /** Poll period, seconds (default 1). */
  readonly rate?: number
  /** Requests in flight at once (default 1). */
  readonly depth?: number
  /** Pack reads into Multiple Service Packets (true: the connection's size; or a byte limit). */
  readonly multiple?: boolean | number
  /** Connect and per-request timeout, milliseconds (default 5000). */
  readonly timeout?: number
  readonly connected?: boolean
  readonly routePath?: EPath
  readonly simple?: boolean
  /** Reconnect back-off, milliseconds (default: from the period, ×1.5, up to ten periods). */
  readonly backoff?: { readonly min?: number; readonly max?: number; readonly factor?: number }
  /** Called with every change, in order, before the next poll: history goes through here. */
  readonly onChange?: (change: PollChange) => Effect.Effect<void>
}

/** A run of changed elements, a tag's CIP error, or a gap (the connection lost). */
export interface PollChange {
  readonly kind: "values" | "error" | "gap"
  /** The tag as polled, without its index: `SCADA`, `Motor.Speed`. */
  readonly tag: string
  readonly start: number
  readonly count: number
  readonly values: ReadonlyArray<CipValue>
  /** The CIP type the controller answered with. */
  readonly type?: TypeName
  /** Why there are no values (error, gap). */
  readonly reason?: string
  /** The CIP status of an error (and its extended status words). */
  readonly status?: number
  readonly extStatus?: ReadonlyArray<number>
  /** When it was seen, epoch milliseconds. */
  readonly at: number
}

/** Figures since the poller started. */
export interface PollSummary {
  readonly seconds: number
  readonly polls: number
  readonly reads: number
  /** Element values read. */
  readonly values: number
  readonly changes: number
  /** Reads answered with a CIP error status. */
  readonly errors: number
  /** Polls skipped because the previous one ran past its period. */
  readonly missed: number
  readonly connects: number
  readonly gaps: number
  /** Seconds without a connection. */
  readonly gapSeconds: number
  /** Milliseconds per poll (all reads): min, p50, p99, max. */
  readonly latency: { readonly min: number; readonly p50: number; readonly p99: number; readonly max: number }
  readonly connected: boolean
  readonly lastError: string | undefined
}

export interface EnipPollerService {
  readonly summary: Effect.Effect<PollSummary>
  readonly connected: () => boolean
}

/** A polled tag that is not a read of a tag. */
export class PollConfigError extends Data.TaggedError("PollConfigError")<{ readonly message: string }> {}

interface Polled {
  readonly op: Operation
  /** The tag's name as recorded (no index). */
  readonly tag: string
  readonly start: number
  /** Last values, undefined after a gap or an error (the next values are all reported). */
  last: ReadonlyArray<CipValue> | undefined
  lastError: string | undefined
}

/** Parse the tags to poll: reads of symbolic tags only. */
export const pollOperations = (tags: ReadonlyArray<string>): Either.Either<ReadonlyArray<Operation>, PollConfigError> => {
  const out: Array<Operation> = []
  for (const t of tags) {
    const op = parseOperation(t)
    if (Either.isLeft(op)) return Either.left(new PollConfigError({ message: op.left.message }))
    if (op.right.method !== "read") return Either.left(new PollConfigError({ message: `${JSON.stringify(t)}: poll only reads; it never writes to the controller` }))
    if (op.right.target._tag !== "Symbolic" || op.right.offset !== undefined) {
      return Either.left(new PollConfigError({ message: `${JSON.stringify(t)}: poll reads tags (NAME, NAME[i], NAME[a-b], NAME.MEMBER)` }))
    }
    out.push({ method: "read", target: op.right.target, ...(op.right.element !== undefined ? { element: op.right.element } : {}), ...(op.right.elements !== undefined ? { elements: op.right.elements } : {}) })
  }
  return Either.right(out)
}

const same = (a: CipValue, b: CipValue | undefined) => a === b || (typeof a === "number" && Number.isNaN(a) && typeof b === "number" && Number.isNaN(b))

/** The runs of elements of `next` that differ from `last` (all of them when `last` is unknown). */
export const changedRuns = (last: ReadonlyArray<CipValue> | undefined, next: ReadonlyArray<CipValue>): Array<readonly [number, number]> => {
  const runs: Array<readonly [number, number]> = []
  let from = -1
  for (let i = 0; i <= next.length; i++) {
    const changed = i < next.length && (last === undefined || last.length !== next.length || !same(next[i]!, last[i]))
    if (changed && from < 0) from = i
    if (!changed && from >= 0) {
      runs.push([from, i - from])
      from = -1
    }
  }
  return runs
}

const quantile = (sorted: ReadonlyArray<number>, q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!)

/** Start polling in the current scope; the poll fiber ends with the scope. */
export const makeEnipPoller = (config: PollConfig): Effect.Effect<EnipPollerService, PollConfigError, Scope.Scope> =>
  Effect.gen(function* () {
    const ops = yield* pollOperations(config.tags)
    const rate = Math.max(0.001, config.rate ?? 1) * 1000
    const timeout = config.timeout ?? 5000
    const backoffMin = config.backoff?.min ?? Math.max(100, rate)
    const backoffMax = config.backoff?.max ?? Math.max(backoffMin, 10 * rate)
    const factor = config.backoff?.factor ?? 1.5
    const emit = config.onChange ?? (() => Effect.void)
    const polled: Array<Polled> = ops.map((op) => ({
      op, tag: printTarget({ target: op.target }), start: op.element ?? 0, last: undefined, lastError: undefined
    }))
    const started = yield* Clock.currentTimeMillis
    const stats = { polls: 0, reads: 0, values: 0, changes: 0, errors: 0, missed: 0, connects: 0, gaps: 0, gapMillis: 0 }
    const latencies: Array<number> = []
    let connected = false
    let gapSince: number | undefined
    let lastError: string | undefined

    const change = (c: PollChange) => {
      stats.changes++
      return emit(c)
    }

    /** The connection is gone: one gap record per tag, unless already in a gap. */
    const gap = (reason: string) =>
      Effect.gen(function* () {
        connected = false
        lastError = reason
        if (gapSince !== undefined) return
        const at = yield* Clock.currentTimeMillis
        gapSince = at
        stats.gaps++
        for (const p of polled) {
          const count = p.last?.length ?? p.op.elements ?? 1
          p.last = undefined
          p.lastError = undefined
          yield* change({ kind: "gap", tag: p.tag, start: p.start, count, values: [], reason, at })
        }
      })

    /** Apply one read's result; false when it shows the connection is lost. */
    const apply = (p: Polled, r: OperationResult, at: number) =>
      Effect.gen(function* () {
        if (r.error !== undefined) return false
        if (!r.ok || r.values === undefined) {
          stats.errors++
          const why = r.ok ? "no values (not a tag of an atomic type)" : resultText(r)
          if (p.lastError !== why) {
            p.lastError = why
            p.last = undefined
            yield* change({ kind: "error", tag: p.tag, start: p.start, count: p.op.elements ?? 1, values: [], reason: why, status: r.status, extStatus: r.extStatus, at })
          }
          return true
        }
        p.lastError = undefined
        stats.values += r.values.length
        for (const [i, n] of changedRuns(p.last, r.values)) {
          const values = r.values.slice(i, i + n)
          yield* change(r.type !== undefined
            ? { kind: "values", tag: p.tag, start: p.start + i, count: n, values, type: r.type, at }
            : { kind: "values", tag: p.tag, start: p.start + i, count: n, values, at })
        }
        p.last = r.values
        return true
      })

    /** Poll on the cadence until the connection is lost (then return its reason). */
    const pollWhileConnected = Effect.gen(function* () {
      const client = yield* Client.connect({
        host: config.host, port: config.port, timeout: Duration.millis(timeout),
        ...(config.connected !== undefined ? { connected: config.connected } : {}),
        ...(config.routePath !== undefined ? { routePath: config.routePath } : {}),
        ...(config.simple !== undefined ? { simple: config.simple } : {})
      })
      connected = true
      stats.connects++
      let next = yield* Clock.currentTimeMillis
      for (;;) {
        const began = yield* Clock.currentTimeMillis
        const { transactions } = yield* client.processAll(ops, { depth: config.depth ?? 1, ...(config.multiple !== undefined ? { multiple: config.multiple } : {}) })
        const at = yield* Clock.currentTimeMillis
        stats.polls++
        stats.reads += transactions.length
        latencies.push(at - began)
        if (latencies.length > 8192) latencies.splice(0, 4096)
        if (gapSince !== undefined && transactions.some((r) => r.error === undefined)) {
          stats.gapMillis += at - gapSince
          gapSince = undefined
        }
        for (const r of transactions) {
          if (!(yield* apply(polled[r.index]!, r, at))) return r.error?.message ?? "no reply"
        }
        // Keep the cadence: the next poll is due a whole number of periods after the first.
        next += rate
        const now = yield* Clock.currentTimeMillis
        if (now > next) {
          const behind = Math.ceil((now - next) / rate)
          stats.missed += behind
          next += behind * rate
        }
        yield* Effect.sleep(Duration.millis(next - now))
      }
    }).pipe(Effect.scoped)

    const loop = Effect.gen(function* () {
      let backoff = backoffMin
      for (;;) {
        const result = yield* Effect.either(pollWhileConnected)
        const reason = Either.isLeft(result) ? result.left.message : result.right
        const wasConnected = connected
        yield* gap(reason)
        if (wasConnected) backoff = backoffMin
        yield* Effect.logWarning(`poll ${config.host}:${config.port}: ${reason}; reconnecting in ${(backoff / 1000).toFixed(1)} s`)
        yield* Effect.sleep(Duration.millis(backoff))
        backoff = Math.min(backoffMax, backoff * factor)
      }
    })
    yield* Effect.forkScoped(loop)

    return {
      connected: () => connected,
      summary: Effect.map(Clock.currentTimeMillis, (now): PollSummary => {
        const sorted = [...latencies].sort((a, b) => a - b)
        const { gapMillis: _counted, ...counts } = stats
        return {
          seconds: (now - started) / 1000,
          ...counts,
          gapSeconds: (stats.gapMillis + (gapSince !== undefined ? now - gapSince : 0)) / 1000,
          latency: { min: sorted[0] ?? 0, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1] ?? 0 },
          connected,
          lastError
        }
      })
    }
  })
