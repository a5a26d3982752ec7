/**
 * ModbusPoller.write as the README gives it: several values are cut at
 * 1968 coils / 123 registers per request (the Modbus limits); every value lands on the device.
 */
import { Effect, Schedule } from "effect"
import { describe, expect, it } from "vitest"
import { makeModbusPoller } from "../../src/modbus/poller.js"
import { withDevice } from "./helpers.js"

describe("ModbusPoller.write: several values cut at 1968 coils / 123 registers per request; one value is one request", () => {
  it("300 registers go out as writes of 123, 123 and 54; 2000 coils as 1968 and 32; every value lands", async () => {
    await withDevice({ registers: ["40001-40300=0", "1-2000=0"] }, (d) =>
      Effect.runPromise(Effect.scoped(Effect.gen(function* () {
        const events = yield* d.tags.subscribe
        const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.address.port, rate: 60 })
        const writes = () => Effect.map(events.takeAll, (all) => [...all].filter((e) => e.kind === "write").map((e) => [e.name, e.start, e.count]))
        yield* Effect.retry(p.write("40001", Array.from({ length: 300 }, (_, i) => i + 1)), { schedule: Schedule.spaced("50 millis"), times: 100 })
        expect(yield* writes()).toEqual([["40001", 0, 123], ["40001", 123, 123], ["40001", 246, 54]])
        yield* p.write("1", Array.from({ length: 2000 }, (_, i) => i % 2 === 0))
        expect(yield* writes()).toEqual([["1", 0, 1968], ["1", 1968, 32]])
        yield* p.write("40005", 42)
        expect(yield* writes()).toEqual([["40001", 4, 1]])
        expect(yield* d.tags.read("40001", 0, 300)).toEqual(Array.from({ length: 300 }, (_, i) => (i === 4 ? 42 : i + 1)))
        expect((yield* d.tags.read("1", 1990, 10)).map(Boolean)).toEqual(Array.from({ length: 10 }, (_, i) => (1990 + i) % 2 === 0))
      }))))
  }, 30_000)
})
