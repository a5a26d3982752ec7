import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeServerControl } from "../../src/server/control.js"
import { makeConnectionRegistry } from "../../src/server/registry.js"
import { ControllerStats } from "../../src/server/stats.js"
import { makeTagStore } from "../../src/tags/tagStore.js"
import { makeMetricsRegistry, type MetricsSource, renderMetrics } from "../../src/web/metrics.js"

const source = (name: string) =>
  Effect.gen(function* () {
    const control = yield* makeServerControl({})
    const tags = yield* makeTagStore(["SCADA=INT[10]", "Speed=REAL"])
    const s: MetricsSource = { name, stats: new ControllerStats(), registry: makeConnectionRegistry(), control, tags, cipConnections: () => 2 }
    return s
  })

/** `name{labels} value` lines → a map (labels as written by prom-client). */
const samples = (text: string) => {
  const out = new Map<string, number>()
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue
    const i = line.lastIndexOf(" ")
    out.set(line.slice(0, i), Number(line.slice(i + 1)))
  }
  return out
}

describe("metrics", () => {
  it.scoped("reads each controller's counters at scrape time, labelled by controller", () =>
    Effect.gen(function* () {
      const a = yield* source("plc1")
      const b = yield* source("plc2")
      const registry = makeMetricsRegistry(() => [a, b], { processMetrics: false })
      a.stats.request("ReadTag", 0)
      a.stats.request("ReadTag", 0)
      a.stats.request("ReadTag", 5)
      b.stats.request("WriteTag", 0)
      a.stats.bytesIn = 1234
      a.stats.bytesOut = 567
      a.stats.latency(0.0002) // ≤ 0.00025
      a.stats.latency(0.003) // ≤ 0.005
      a.stats.latency(20) // +Inf only
      a.stats.fault("delay")
      yield* a.control.setDelay(0.5)
      yield* a.tags.setError("Speed", { status: 8 })
      a.registry.countAccepted()
      a.registry.countRefused()
      yield* b.control.setDisabled(true)

      const { body, contentType } = yield* Effect.promise(() => renderMetrics(registry))
      expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/)
      expect(body).toContain("# TYPE cpppo_requests_total counter")
      expect(body).toContain("# TYPE cpppo_request_duration_seconds histogram")
      const m = samples(body)
      expect(m.get('cpppo_requests_total{controller="plc1",service="ReadTag",status="0x00"}')).toBe(2)
      expect(m.get('cpppo_requests_total{controller="plc1",service="ReadTag",status="0x05"}')).toBe(1)
      expect(m.get('cpppo_requests_total{controller="plc2",service="WriteTag",status="0x00"}')).toBe(1)
      expect(m.get('cpppo_received_bytes_total{controller="plc1"}')).toBe(1234)
      expect(m.get('cpppo_sent_bytes_total{controller="plc1"}')).toBe(567)
      expect(m.get('cpppo_received_bytes_total{controller="plc2"}')).toBe(0)
      expect(m.get('cpppo_request_duration_seconds_bucket{controller="plc1",le="0.0001"}')).toBe(0)
      expect(m.get('cpppo_request_duration_seconds_bucket{controller="plc1",le="0.00025"}')).toBe(1)
      expect(m.get('cpppo_request_duration_seconds_bucket{controller="plc1",le="0.005"}')).toBe(2)
      expect(m.get('cpppo_request_duration_seconds_bucket{controller="plc1",le="10"}')).toBe(2)
      expect(m.get('cpppo_request_duration_seconds_bucket{controller="plc1",le="+Inf"}')).toBe(3)
      expect(m.get('cpppo_request_duration_seconds_count{controller="plc1"}')).toBe(3)
      expect(m.get('cpppo_request_duration_seconds_sum{controller="plc1"}')).toBeCloseTo(20.0032, 6)
      expect(m.get('cpppo_faults_injected_total{controller="plc1",kind="delay"}')).toBe(1)
      expect(m.get('cpppo_faults_injected_total{controller="plc1",kind="eof"}')).toBe(0)
      expect(m.get('cpppo_fault_delay_seconds{controller="plc1"}')).toBe(0.5)
      expect(m.get('cpppo_fault_tag_errors{controller="plc1"}')).toBe(1)
      expect(m.get('cpppo_fault_tag_errors{controller="plc2"}')).toBe(0)
      expect(m.get('cpppo_sessions_total{controller="plc1",outcome="accepted"}')).toBe(1)
      expect(m.get('cpppo_sessions_total{controller="plc1",outcome="refused"}')).toBe(1)
      expect(m.get('cpppo_sessions_open{controller="plc1"}')).toBe(0)
      expect(m.get('cpppo_disabled{controller="plc2"}')).toBe(1)
      expect(m.get('cpppo_disabled{controller="plc1"}')).toBe(0)
      expect(m.get('cpppo_up{controller="plc2"}')).toBe(1) // disabled on purpose counts as up
      expect(m.get('cpppo_up{controller="plc1"}')).toBe(0) // nothing listens in this test
      expect(m.get('cpppo_cip_connections_open{controller="plc2"}')).toBe(2)

      // A second scrape sees later counts (not doubled: counters are re-read, not added to).
      a.stats.request("ReadTag", 0)
      const again = samples((yield* Effect.promise(() => renderMetrics(registry))).body)
      expect(again.get('cpppo_requests_total{controller="plc1",service="ReadTag",status="0x00"}')).toBe(3)
      expect(again.get('cpppo_received_bytes_total{controller="plc1"}')).toBe(1234)
    }))

  it.scoped("exports the process metrics once for the whole process", () =>
    Effect.gen(function* () {
      const a = yield* source("only")
      const { body } = yield* Effect.promise(() => renderMetrics(makeMetricsRegistry(() => [a])))
      expect(body).toMatch(/^process_resident_memory_bytes \d+/m)
      expect(body).toMatch(/^nodejs_heap_size_used_bytes \d+/m)
    }))
})
