/**
 * `cpppo modbus poll` at work: a ModbusPoller, the initial writes, a printer of changes (and a
 * history file of them), then the summary.
 */
import { Console, Effect, Layer, Option, Stream } from "effect"
import { format, formatRange, type RangeSpec, TABLES } from "../modbus/addresses.js"
import { type Change, makeModbusPoller, type PollSummary } from "../modbus/poller.js"

export interface PollRun {
  readonly host: string
  readonly port: number
  readonly unit: number
  readonly rate: number
  readonly reach: number
  readonly timeout: number
  readonly depth: number
  readonly duration: number | undefined
  readonly historize: string | undefined
  readonly specs: ReadonlyArray<RangeSpec>
}

const show = (v: number | boolean) => (typeof v === "boolean" ? (v ? "1" : "0") : String(v))
const line = (where: string, op: "==" | "<=", values: string, status: string) => `${where.padStart(20)} ${op} ${values}: '${status}'`

/** One printed line per change: `         40001-40003 == [1, 2, 3]: 'OK'`, or the reason it went stale. */
export const formatChange = (c: Change): string =>
  c.stale ? line(c.address, "==", "None", `stale: ${c.reason ?? "no answer"}`) : line(c.address, "==", `[${c.values.map(show).join(", ")}]`, "OK")

export const formatSummary = (s: PollSummary): string =>
  `Poll summary: ${s.requests} requests in ${s.seconds.toFixed(1)} s (${s.requestsPerSecond.toFixed(1)}/s), ` +
  `${s.registers} registers (${s.registersPerSecond.toFixed(1)}/s), ${s.errors} errors, ${s.connects} connects; ` +
  `latency ms min/mean/p50/p99/max ${[s.latency.min, s.latency.mean, s.latency.p50, s.latency.p99, s.latency.max].map((x) => x.toFixed(2)).join("/")}` +
  (s.lastError !== undefined ? `; last error: ${s.lastError}` : "")

const loadHistory = Effect.promise(() => Promise.all([import("../history/writer.js"), import("../history/historize.js")]))

/** The history record of a change: serial [table's first address, [first, last offset]]. */
const historyEvent = (c: Change) => ({
  name: format({ table: c.range.table, offset: 0 }),
  kind: c.stale ? ("error" as const) : ("read" as const),
  start: c.range.offset,
  count: c.range.count,
  values: c.values,
  ...(c.stale ? { error: `stale: ${c.reason ?? "no answer"}` } : {}),
  at: c.at
})

export const runModbusPoll = (run: PollRun) =>
  Effect.gen(function* () {
    const poller = yield* makeModbusPoller({
      host: run.host, port: run.port, unit: run.unit, rate: run.rate, reach: run.reach, timeout: run.timeout * 1000, depth: run.depth
    })
    let failed = false
    yield* Effect.addFinalizer(() =>
      Effect.flatMap(poller.summary, (s) => Console.log(formatSummary(s))).pipe(
        Effect.zipRight(Effect.sync(() => { if (failed) process.exitCode = 1 }))))
    if (run.historize !== undefined) {
      const [{ HistoryWriter }, { historize }] = yield* loadHistory
      const ctx = yield* Layer.build(HistoryWriter.layer({ path: run.historize, rotate: { maxBytes: 10 * 1024 * 1024 } }))
      yield* Effect.forkScoped(historize(Stream.map(poller.changes, historyEvent)).pipe(Effect.provide(ctx)))
    }
    yield* Effect.forkScoped(Stream.runForEach(poller.changes, (c) => Console.log(formatChange(c))))
    yield* Effect.sleep("10 millis") // the printer subscribes before the first values arrive
    // The values given with `=` are written first, so the first values printed already show them.
    const writes = run.specs.filter((s) => s.values.length > 0)
    if (writes.length > 0) {
      // Wait (up to the timeout, and at least one back-off) for the connection before writing.
      const deadline = Date.now() + Math.max(run.timeout * 1000, 500)
      while (!poller.connected() && Date.now() < deadline) yield* Effect.sleep("20 millis")
      for (const s of writes) {
        const values = TABLES[s.table].bits ? s.values.map((v) => v !== 0) : s.values
        const where = formatRange(s)
        const result = yield* Effect.either(poller.write({ table: s.table, offset: s.offset }, values))
        if (result._tag === "Left") failed = true
        yield* Console.log(line(where, "<=", `[${s.values.join(", ")}]`, result._tag === "Right" ? "OK" : result.left.message))
      }
    }
    yield* poller.pollAll(run.specs)
    yield* run.duration !== undefined ? Effect.sleep(run.duration * 1000) : Effect.never
    const s = yield* poller.summary
    if (s.requests === 0) failed = true
    yield* Effect.logDebug(Option.some(s))
  }).pipe(Effect.scoped)
