/**
 * What a Prometheus scrape of /metrics declares (src/web/metrics.ts): every cpppo metric's HELP
 * text and TYPE (a gauge may go down between scrapes, a counter is read whole at each), and
 * prom-client's process metrics, on by default and off with `processMetrics: false`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeServerControl } from "../../src/server/control.js"
import { makeConnectionRegistry } from "../../src/server/registry.js"
import { ControllerStats } from "../../src/server/stats.js"
import { makeTagStore } from "../../src/tags/tagStore.js"
import { makeMetricsRegistry, type MetricsSource, renderMetrics } from "../../src/web/metrics.js"

const HELP: ReadonlyArray<readonly [string, "gauge" | "counter" | "histogram", string]> = [
  ["cpppo_sessions_open", "gauge", "EtherNet/IP TCP sessions open now"],
  ["cpppo_sessions_total", "counter", "TCP sessions since start, by outcome (accepted, refused by a limit)"],
  ["cpppo_requests_total", "counter", "CIP requests answered, by service and general status"],
  ["cpppo_received_bytes_total", "counter", "Bytes received on EtherNet/IP TCP sessions"],
  ["cpppo_sent_bytes_total", "counter", "Bytes sent on EtherNet/IP TCP sessions"],
  ["cpppo_request_duration_seconds", "histogram", "Time from a request's arrival to its reply (delays included)"],
  ["cpppo_faults_injected_total", "counter", "Faults injected (web API or code), by kind: delay, error, eof, disable"],
  ["cpppo_fault_delay_seconds", "gauge", "The reply delay in force now"],
  ["cpppo_fault_tag_errors", "gauge", "Tags with a forced error now"],
  ["cpppo_disabled", "gauge", "1 while the controller is disabled (port closed on purpose)"],
  ["cpppo_up", "gauge", "1 while the controller listens (or is disabled on purpose), else 0"],
  ["cpppo_cip_connections_open", "gauge", "CIP (Forward Open) connections open now"]
]

const source = Effect.gen(function* () {
  const control = yield* makeServerControl({})
  const tags = yield* makeTagStore(["SCADA=INT[10]"])
  return { name: "plc", stats: new ControllerStats(), registry: makeConnectionRegistry(), control, tags, cipConnections: () => 0 } satisfies MetricsSource
})

describe("metrics: declarations", () => {
  it.scoped("every metric's HELP and TYPE", () => Effect.gen(function* () {
    const s = yield* source
    const { body } = yield* Effect.promise(() => renderMetrics(makeMetricsRegistry(() => [s], { processMetrics: false })))
    for (const [name, type, help] of HELP) {
      expect(body, name).toContain(`# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`)
    }
    expect(body).not.toContain("process_cpu_user_seconds_total")
    expect(body).not.toContain("nodejs_")
  }))

  it.scoped("prom-client's process metrics are there by default", () => Effect.gen(function* () {
    const s = yield* source
    const { body } = yield* Effect.promise(() => renderMetrics(makeMetricsRegistry(() => [s])))
    expect(body).toContain("# TYPE process_cpu_user_seconds_total counter")
    expect(body).toContain("cpppo_up{controller=\"plc\"} 0")
  }))

  it.scoped("no controllers: each cpppo metric is declared with no samples (the histogram too)", () => Effect.gen(function* () {
    const { body } = yield* Effect.promise(() => renderMetrics(makeMetricsRegistry(() => [], { processMetrics: false })))
    const samples = body.split("\n").filter((l) => l !== "" && !l.startsWith("#"))
    expect(samples).toEqual([])
    expect(body).toContain("# TYPE cpppo_request_duration_seconds histogram\n")
  }))

  it.scoped("the histogram's samples: one bucket line per bound and +Inf, then _sum and _count", () => Effect.gen(function* () {
    const s = yield* source
    const { body } = yield* Effect.promise(() => renderMetrics(makeMetricsRegistry(() => [s], { processMetrics: false })))
    const lines = body.split("\n").filter((l) => l.startsWith("cpppo_request_duration_seconds"))
    expect(lines.slice(-3)).toEqual([
      'cpppo_request_duration_seconds_bucket{controller="plc",le="+Inf"} 0',
      'cpppo_request_duration_seconds_sum{controller="plc"} 0',
      'cpppo_request_duration_seconds_count{controller="plc"} 0'
    ])
    expect(lines.every((l) => l.endsWith(" 0"))).toBe(true)
    expect(lines.length).toBeGreaterThan(3)
  }))
})
