/**
 * A controller's traffic counters (what /metrics exports): requests by service and status, the
 * latency histogram's buckets (upper bounds inclusive, as Prometheus `le` buckets are), faults.
 */
import { describe, expect, it } from "@effect/vitest"
import { ControllerStats, FAULT_KINDS, LATENCY_BUCKETS } from "../../src/server/stats.js"

describe("ControllerStats", () => {
  it("counts requests per service and general status", () => {
    const s = new ControllerStats()
    s.request("ReadTag", 0)
    s.request("ReadTag", 0)
    s.request("ReadTag", 5)
    s.request("WriteTag", 0)
    expect([...s.requests].map(([k, v]) => [k, [...v]])).toEqual([["ReadTag", [[0, 2], [5, 1]]], ["WriteTag", [[0, 1]]]])
  })

  it("puts a latency in the first bucket whose bound it does not exceed; past the last, in +Inf", () => {
    expect(LATENCY_BUCKETS).toEqual([0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
    const s = new ControllerStats()
    expect(s.latencyCounts.length).toBe(17)
    for (const x of [0, 0.0001, 0.00010001, 0.001, 0.7, 10, 10.5, 3600]) s.latency(x)
    const expected = new Array(17).fill(0)
    expected[0] = 2 // 0 and exactly 0.0001
    expected[1] = 1 // just over 0.0001
    expected[3] = 1 // exactly 0.001
    expected[12] = 1 // 0.7 ≤ 1
    expected[15] = 1 // exactly 10
    expected[16] = 2 // +Inf
    expect(Array.from(s.latencyCounts)).toEqual(expected)
    expect(s.latencyCount).toBe(8)
    expect(s.latencySum).toBeCloseTo(0.0001 + 0.00010001 + 0.001 + 0.7 + 10 + 10.5 + 3600, 9)
  })

  it("counts each kind of fault injected", () => {
    const s = new ControllerStats()
    expect(FAULT_KINDS).toEqual(["delay", "error", "eof", "disable"])
    expect(s.faults).toEqual({ delay: 0, error: 0, eof: 0, disable: 0 })
    s.fault("delay")
    s.fault("eof")
    s.fault("eof")
    expect(s.faults).toEqual({ delay: 1, error: 0, eof: 2, disable: 0 })
    expect([s.bytesIn, s.bytesOut]).toEqual([0, 0])
  })
})
