/**
 * The simulator under test, run as a child process (forked with IPC) so its event loop and its
 * memory are measured alone: an event-loop delay histogram, peak RSS, heap after GC, and the
 * session registry. The parent asks for `stats`, drives `control` (delay, disable, drop…) and
 * says `exit`. Started with `--expose-gc` when heap figures after a collection are wanted.
 */
import { Context, Effect, Layer, Logger, LogLevel } from "effect"
import { monitorEventLoopDelay } from "node:perf_hooks"
import { HistoryRecorder, type HistoryRecorderService, makeHistoryRecorder } from "../../src/history/recorder.js"
import { makeHistoryWriter } from "../../src/history/writer.js"
import { makeProcessLimits, ProcessLimits } from "../../src/server/limits.js"
import {
  ConnectionRegistry, Controller, EnipServer, ServerControl, type SimulatorConfig, SimulatorCoreLive, SimulatorListenersLive, TagStore
} from "../../src/server/simulator.js"
import { WebApiLive, WebServer } from "../../src/web/server.js"

export type ToServer =
  | { readonly type: "stats"; readonly reset?: boolean; readonly gc?: boolean }
  | { readonly type: "sync" }
  | { readonly type: "control"; readonly op: "delay" | "disable" | "enable" | "dropAll" | "tagError" | "clearTagError"; readonly value?: number; readonly tag?: string }
  | { readonly type: "exit" }

export interface ServerStats {
  readonly type: "stats"
  /** Longest event-loop delay seen since the last reset, ms. */
  readonly maxDelayMs: number
  readonly p99DelayMs: number
  readonly rss: number
  readonly peakRss: number
  readonly heapUsed: number
  readonly sessions: number
  readonly accepted: number
  readonly refused: number
  readonly closed: number
  readonly connections: number
  /** The process-wide limits: bytes held by sessions, sessions shed over the budget, refused per peer. */
  readonly held: number
  readonly shed: number
  readonly refusedPerPeer: number
}

export type FromServer =
  | { readonly type: "ready"; readonly port: number; readonly web?: string }
  | ServerStats
  | { readonly type: "synced" }
  | { readonly type: "error"; readonly message: string }

const send = (m: FromServer) => process.send?.(m)

const config = JSON.parse(process.env.FUZZ_SERVER_CONFIG ?? "{}") as {
  tags?: ReadonlyArray<string>; maxFrame?: number; maxSessions?: number; idleTimeout?: number; udp?: boolean
  maxBufferedBytes?: number; maxSessionsPerPeer?: number; maxOutput?: number
  /** Record every tag access to this history file, as `--historize` does. */
  historize?: string
  /** Also serve the web API (127.0.0.1, a port the OS picks). */
  web?: boolean
}

const program = Effect.gen(function* () {
  const limits = makeProcessLimits({
    ...(config.maxBufferedBytes !== undefined ? { maxBytes: config.maxBufferedBytes } : {}),
    ...(config.maxSessionsPerPeer !== undefined ? { maxSessionsPerPeer: config.maxSessionsPerPeer } : {})
  })
  const simulator: SimulatorConfig = {
    host: "127.0.0.1", port: 0, udp: config.udp ?? false, tags: config.tags ?? ["SCADA=INT[100]"],
    ...(config.maxFrame !== undefined ? { maxFrame: config.maxFrame } : {}),
    ...(config.maxSessions !== undefined ? { maxSessions: config.maxSessions } : {}),
    ...(config.maxOutput !== undefined ? { maxOutput: config.maxOutput } : {}),
    ...(config.idleTimeout !== undefined ? { idleTimeout: config.idleTimeout } : {})
  }
  // As the CLI composes it: the core, then the history sink, then the listeners and the web API.
  const core = yield* Layer.build(SimulatorCoreLive(simulator))
  let context = core
  let recorder: HistoryRecorderService | undefined
  if (config.historize !== undefined) {
    const writer = yield* makeHistoryWriter({ path: config.historize })
    recorder = yield* makeHistoryRecorder(writer)
    yield* Context.get(core, TagStore).addSink(recorder.record, { congested: recorder.congested })
    context = Context.add(core, HistoryRecorder, recorder) as typeof core
  }
  const listeners = yield* Layer.build(SimulatorListenersLive(simulator).pipe(
    Layer.provide(Layer.succeedContext(context)), Layer.provide(Layer.succeed(ProcessLimits, limits))))
  const web = config.web === true
    ? Context.get(yield* Layer.build(WebApiLive({ host: "127.0.0.1", port: 0 }).pipe(Layer.provide(Layer.succeedContext(context)))), WebServer).url
    : undefined
  const ctx = Context.merge(context, listeners)
  const server = Context.get(ctx, EnipServer)
  const registry = Context.get(ctx, ConnectionRegistry)
  const control = Context.get(ctx, ServerControl)
  const tags = Context.get(ctx, TagStore)
  const controller = Context.get(ctx, Controller)

  const histogram = monitorEventLoopDelay({ resolution: 10 })
  histogram.enable()
  let peakRss = process.memoryUsage.rss()
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()) }, 50)
  sampler.unref()

  const gc = (globalThis as { gc?: () => void }).gc
  const stats = (m: Extract<ToServer, { type: "stats" }>): ServerStats => {
    if (m.gc === true && gc !== undefined) { gc(); gc() }
    const mem = process.memoryUsage()
    peakRss = Math.max(peakRss, mem.rss)
    const s = registry.stats()
    const out: ServerStats = {
      type: "stats", maxDelayMs: histogram.max / 1e6, p99DelayMs: histogram.percentile(99) / 1e6,
      rss: mem.rss, peakRss, heapUsed: mem.heapUsed, sessions: registry.size(),
      accepted: s.accepted, refused: s.refused, closed: s.closed, connections: controller.connections().length,
      held: limits.stats().held, shed: limits.stats().shed, refusedPerPeer: limits.stats().refusedPerPeer
    }
    if (m.reset === true) histogram.reset()
    return out
  }
  const run = (e: Effect.Effect<unknown, unknown>) => Effect.runFork(Effect.catchAllCause(e, () => Effect.void))
  process.on("message", (m: ToServer) => {
    switch (m.type) {
      case "stats": send(stats(m)); break
      case "sync": run(Effect.zipRight(recorder?.sync ?? Effect.void, Effect.sync(() => send({ type: "synced" })))); break
      case "exit": process.exit(0); break
      case "control":
        switch (m.op) {
          case "delay": run(control.setDelay(m.value ?? 0)); break
          case "disable": run(control.setDisabled(true)); break
          case "enable": run(control.setDisabled(false)); break
          case "dropAll": run(registry.dropAll); break
          case "tagError": run(tags.setError(m.tag ?? "SCADA", { status: m.value ?? 0x08, extStatus: [] })); break
          case "clearTagError": run(tags.setError(m.tag ?? "SCADA", undefined)); break
        }
    }
  })
  process.on("disconnect", () => process.exit(0))
  send({ type: "ready", port: server.address.port, ...(web !== undefined ? { web } : {}) })
  yield* Effect.never
})

Effect.runFork(Effect.scoped(program).pipe(Effect.provide(Logger.minimumLogLevel(LogLevel.None)),Effect.catchAllCause((c) => Effect.sync(() => { send({ type: "error", message: String(c) }); process.exit(1) }))))
