/**
 * `/metrics`: Prometheus metrics for every controller of a fleet (or the one simulator), on
 * prom-client. Nothing is counted here: each controller keeps plain counters (server/stats.ts)
 * on its hot path, and these metrics read them in their `collect` callbacks when scraped, so a
 * request costs a few additions whether or not anyone scrapes. Every series carries a
 * `controller` label; process-wide figures (memory, CPU, event loop) come from prom-client's
 * default metrics.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client"
import type { ServerControlService } from "../server/control.js"
import type { ConnectionRegistryService } from "../server/registry.js"
import { type ControllerStats, FAULT_KINDS, LATENCY_BUCKETS } from "../server/stats.js"
import type { TagStoreService } from "../tags/tagStore.js"

/** What the metrics read from one controller. */
export interface MetricsSource {
  readonly name: string
  readonly stats: ControllerStats
  readonly registry: ConnectionRegistryService
  readonly control: ServerControlService
  readonly tags: TagStoreService
  /** Open CIP (Forward Open) connections. */
  readonly cipConnections: () => number
}

const hex = (status: number) => `0x${status.toString(16).padStart(2, "0")}`

/**
 * The request latency histogram, filled from each controller's bucket counts at scrape time
 * (prom-client renders it; its own `observe` would hash labels on every request).
 */
class CollectedHistogram extends Histogram<"controller"> {
  constructor(private readonly metric: string, private readonly helpText: string, private readonly sources: () => Iterable<MetricsSource>, registry: Registry) {
    super({ name: metric, help: helpText, labelNames: ["controller"], buckets: [...LATENCY_BUCKETS], registers: [registry] })
  }

  override async get() {
    const values: Array<{ value: number; labels: Record<string, string | number>; metricName: string }> = []
    for (const s of this.sources()) {
      let cumulative = 0
      LATENCY_BUCKETS.forEach((le, i) => {
        cumulative += s.stats.latencyCounts[i]!
        values.push({ value: cumulative, labels: { controller: s.name, le }, metricName: `${this.metric}_bucket` })
      })
      values.push(
        { value: s.stats.latencyCount, labels: { controller: s.name, le: "+Inf" }, metricName: `${this.metric}_bucket` },
        { value: s.stats.latencySum, labels: { controller: s.name }, metricName: `${this.metric}_sum` },
        { value: s.stats.latencyCount, labels: { controller: s.name }, metricName: `${this.metric}_count` }
      )
    }
    return { name: this.metric, help: this.helpText, type: "histogram", aggregator: "sum", values } as unknown as Awaited<ReturnType<Histogram<"controller">["get"]>>
  }

  /** The Registry renders text from this (prom-client's own histogram defines it too). */
  getForPromString() {
    return this.get()
  }
}

export interface MetricsOptions {
  /** Also export prom-client's process metrics (memory, CPU, event loop lag); default true. */
  readonly processMetrics?: boolean
}

/** A Registry whose metrics read the controllers `sources()` yields at each scrape. */
export const makeMetricsRegistry = (sources: () => Iterable<MetricsSource>, options: MetricsOptions = {}): Registry => {
  const registry = new Registry()
  const registers = [registry]
  const perController = <T extends string>(kind: "counter" | "gauge", name: string, help: string, labels: ReadonlyArray<T>,
    fill: (s: MetricsSource, set: (labels: Partial<Record<T, string>>, value: number) => void) => void) => {
    const labelNames = ["controller", ...labels] as Array<T | "controller">
    if (kind === "gauge") {
      return new Gauge({ name, help, labelNames, registers, collect() {
        this.reset()
        for (const s of sources()) fill(s, (l, v) => this.set({ controller: s.name, ...l } as never, v))
      } })
    }
    return new Counter({ name, help, labelNames, registers, collect() {
      this.reset()
      for (const s of sources()) fill(s, (l, v) => this.inc({ controller: s.name, ...l } as never, v))
    } })
  }

  perController("gauge", "cpppo_sessions_open", "EtherNet/IP TCP sessions open now", [], (s, set) => set({}, s.registry.size()))
  perController("counter", "cpppo_sessions_total", "TCP sessions since start, by outcome (accepted, refused by a limit)", ["outcome"], (s, set) => {
    const st = s.registry.stats()
    set({ outcome: "accepted" }, st.accepted)
    set({ outcome: "refused" }, st.refused)
  })
  perController("counter", "cpppo_requests_total", "CIP requests answered, by service and general status", ["service", "status"], (s, set) => {
    for (const [service, byStatus] of s.stats.requests) for (const [status, n] of byStatus) set({ service, status: hex(status) }, n)
  })
  perController("counter", "cpppo_received_bytes_total", "Bytes received on EtherNet/IP TCP sessions", [], (s, set) => set({}, s.stats.bytesIn))
  perController("counter", "cpppo_sent_bytes_total", "Bytes sent on EtherNet/IP TCP sessions", [], (s, set) => set({}, s.stats.bytesOut))
  new CollectedHistogram("cpppo_request_duration_seconds", "Time from a request's arrival to its reply (delays included)", sources, registry)
  perController("counter", "cpppo_faults_injected_total", "Faults injected (web API or code), by kind: delay, error, eof, disable", ["kind"], (s, set) => {
    for (const kind of FAULT_KINDS) set({ kind }, s.stats.faults[kind])
  })
  perController("gauge", "cpppo_fault_delay_seconds", "The reply delay in force now", [], (s, set) => set({}, s.control.unsafeState().delay.value))
  perController("gauge", "cpppo_fault_tag_errors", "Tags with a forced error now", [], (s, set) => set({}, s.tags.tags.filter((t) => t.error !== undefined).length))
  perController("gauge", "cpppo_disabled", "1 while the controller is disabled (port closed on purpose)", [], (s, set) => set({}, s.control.unsafeState().disabled ? 1 : 0))
  perController("gauge", "cpppo_up", "1 while the controller listens (or is disabled on purpose), else 0", [], (s, set) => {
    const st = s.control.unsafeState()
    set({}, st.listening || st.disabled ? 1 : 0)
  })
  perController("gauge", "cpppo_cip_connections_open", "CIP (Forward Open) connections open now", [], (s, set) => set({}, s.cipConnections()))
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry })
  return registry
}

/** Render the registry in Prometheus text format: the body and its content type. */
export const renderMetrics = async (registry: Registry): Promise<{ readonly body: string; readonly contentType: string }> =>
  ({ body: await registry.metrics(), contentType: registry.contentType })
