/**
 * The EtherNet/IP poller (`cpppo enip poll`) against our simulator on 127.0.0.1: changes reported
 * as runs of elements, nothing ever written to the polled controller, CIP errors reported once,
 * and a lost connection recorded as one gap per tag, then every value again after reconnecting.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Logger, LogLevel, Queue } from "effect"
import { changedRuns, makeEnipPoller, type PollChange, pollOperations } from "../../src/poll/poller.js"
import { formatPollChange, pollRecord } from "../../src/poll/record.js"
import { startSimulator } from "../server/fixture.js"
import { until } from "./wait.js"

describe("changedRuns", () => {
  it("reports the runs of elements that differ, all of them when nothing is known", () => {
    expect(changedRuns(undefined, [1, 2, 3])).toEqual([[0, 3]])
    expect(changedRuns([1, 2, 3, 4, 5], [1, 9, 9, 4, 0])).toEqual([[1, 2], [4, 1]])
    expect(changedRuns([1, 2], [1, 2])).toEqual([])
    expect(changedRuns([Number.NaN], [Number.NaN])).toEqual([])
    expect(changedRuns([1, 2], [1, 2, 3])).toEqual([[0, 3]])
  })

  it("takes reads of tags only: a write or a class/instance path is refused", () => {
    expect(Either.isRight(pollOperations(["Level", "SCADA[0-9]", "Motor.Speed"]))).toBe(true)
    expect(Either.getLeft(pollOperations(["SCADA[1]=5"])).pipe((e) => e._tag === "Some" && e.value.message)).toMatch(/never writes/)
    expect(Either.isLeft(pollOperations(["@1/1/7"]))).toBe(true)
  })
})

describe("makeEnipPoller against the simulator", () => {
  it.scopedLive("reports changes as runs, never writes, reports an error once, and records a gap when the connection is lost", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: ["Level=REAL", "SCADA=INT[10]"] })
      const events = yield* sim.tags.subscribe
      const changes: Array<PollChange> = []
      const poller = yield* makeEnipPoller({
        host: "127.0.0.1", port: sim.port, tags: ["Level", "SCADA[2-7]", "Nope"], rate: 0.05, timeout: 2000,
        backoff: { min: 50, max: 200 },
        onChange: (c) => Effect.sync(() => { changes.push(c) })
      })
      yield* until(() => changes.filter((c) => c.kind !== "error").length >= 2, 10_000, "first values")
      // The first poll reports every value (and the unknown tag's error, once).
      expect(changes.find((c) => c.tag === "Level")).toMatchObject({ kind: "values", start: 0, count: 1, values: [0], type: "REAL" })
      expect(changes.find((c) => c.tag === "SCADA")).toMatchObject({ kind: "values", start: 2, count: 6, values: [0, 0, 0, 0, 0, 0], type: "INT" })
      const nope = changes.filter((c) => c.tag === "Nope")
      expect(nope).toHaveLength(1)
      expect(nope[0]).toMatchObject({ kind: "error", status: 5 })
      expect(pollRecord(nope[0]!)).toEqual({ serial: ["Nope", [0, 0]], data: { error: nope[0]!.reason, status: 5, ext: nope[0]!.extStatus } })

      changes.length = 0
      yield* sim.tags.write("SCADA", 4, [7, 8])
      yield* sim.tags.write("SCADA", 9, [99]) // outside the polled range
      yield* until(() => changes.some((c) => c.tag === "SCADA"), 10_000, "SCADA change")
      yield* Effect.sleep(200)
      expect(changes.filter((c) => c.tag !== "Nope")).toEqual([
        expect.objectContaining({ kind: "values", tag: "SCADA", start: 4, count: 2, values: [7, 8], type: "INT" })
      ])
      expect(pollRecord(changes[0]!)).toEqual({ serial: ["SCADA", [4, 5]], data: { read: [7, 8], type: "INT" } })
      expect(formatPollChange(changes[0]!)).toBe("          SCADA[4-5] == [7, 8]: 'OK'")

      // Read-only: of every tag access the simulator saw, none was a write from the poller.
      const seen = yield* Queue.takeAll(events)
      expect([...seen].filter((e) => e.kind === "write").map((e) => [e.name, e.start, e.values])).toEqual([["SCADA", 4, [7, 8]], ["SCADA", 9, [99]]])
      expect([...seen].some((e) => e.kind === "read")).toBe(true)

      // The connection lost: one gap per tag, then every value again once reconnected.
      changes.length = 0
      yield* sim.control.setDisabled(true)
      yield* until(() => changes.filter((c) => c.kind === "gap").length === 3, 10_000, "gaps")
      expect(changes.filter((c) => c.kind === "gap").map((c) => [c.tag, c.start, c.count])).toEqual([["Level", 0, 1], ["SCADA", 2, 6], ["Nope", 0, 1]])
      expect(pollRecord(changes.find((c) => c.kind === "gap")!).data).toMatchObject({ gap: true })
      expect(poller.connected()).toBe(false)
      yield* Effect.sleep(300)
      expect(changes.filter((c) => c.kind === "gap")).toHaveLength(3) // once per gap, not per retry
      changes.length = 0
      yield* sim.control.setDisabled(false)
      yield* until(() => changes.some((c) => c.tag === "SCADA"), 10_000, "values after the gap")
      expect(changes.find((c) => c.tag === "SCADA")).toMatchObject({ kind: "values", start: 2, count: 6, values: [0, 0, 7, 8, 0, 0] })
      const s = yield* poller.summary
      expect(s.gaps).toBe(1)
      expect(s.connects).toBeGreaterThanOrEqual(2)
      expect(s.gapSeconds).toBeGreaterThan(0.2)
      expect(s.gapSeconds).toBeLessThan(s.seconds) // the gap's time, closed when values came again
      expect(s.polls).toBeGreaterThan(3)
    }).pipe(Effect.provide(Logger.minimumLogLevel(LogLevel.Error))), 60_000)
})
