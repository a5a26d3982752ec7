/**
 * The AttributeFactory as the README's "Customizing tag I/O" gives it: provided around
 * `makeSimulator(…)` (`Effect.provide`) it reaches the TagStore; tags it leaves `undefined` stay
 * in memory; its Attribute's reads answer a client and its AttributeError reaches the client as
 * that CIP status; a factory that fails for a tag stops the simulator's start with an error
 * naming the tag.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Logger, LogLevel, Option } from "effect"
import { Client, OperationFailed } from "../../src/client/client.js"
import { makeSimulator } from "../../src/server/simulator.js"
import { AttributeError, AttributeFactory } from "../../src/tags/attribute.js"

const quiet = Logger.minimumLogLevel(LogLevel.Warning)

/** CLOCK=DINT reads 1234 and cannot be written (the README's example, with a fixed value). */
const Clock = AttributeFactory.layer((spec) =>
  spec.name === "CLOCK"
    ? {
        type: spec.type,
        count: spec.count,
        read: (_start, n) => Effect.succeed(Array.from({ length: n }, () => 1234)),
        write: () => Effect.fail(new AttributeError({ status: 0x0e, extStatus: [], message: "the clock is read-only" }))
      }
    : undefined)

describe("an AttributeFactory provided around makeSimulator", () => {
  it.scopedLive("backs the tags it names; the others stay in memory; a refused write is its status", () =>
    Effect.gen(function* () {
      const sim = yield* makeSimulator({ host: "127.0.0.1", port: 0, udp: false, tags: ["CLOCK=DINT", "SCADA=INT[2]"] }).pipe(
        Effect.provide(Clock), Effect.provide(quiet)
      )
      const client = yield* Client.connect({ host: "127.0.0.1", port: sim.server.address.port, timeout: "5 seconds" })
      expect(yield* client.read("CLOCK")).toEqual([1234])
      const refused = yield* Effect.flip(client.write("CLOCK", [1], "DINT"))
      expect(refused).toBeInstanceOf(OperationFailed)
      expect((refused as OperationFailed).result.status).toBe(0x0e)
      yield* client.write("SCADA[1]", [7], "INT")
      expect(yield* sim.tags.read("SCADA", 0, 2)).toEqual([0, 7])
    }))

  it.scopedLive("a factory that fails for a tag: the simulator does not start, and the error names the tag", () =>
    Effect.gen(function* () {
      const failing = AttributeFactory.layer((spec) =>
        spec.name === "Broken" ? Effect.fail(new AttributeError({ status: 0x02, extStatus: [], message: "no backing store" })) : undefined)
      const exit = yield* Effect.exit(makeSimulator({ host: "127.0.0.1", port: 0, udp: false, tags: ["Fine=INT", "Broken=DINT"] }).pipe(
        Effect.provide(failing), Effect.provide(quiet)
      ))
      const failure = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
      expect(Option.isSome(failure)).toBe(true)
      const error = Option.getOrThrow(failure)
      expect(error).toBeInstanceOf(AttributeError)
      const { extStatus, message, status } = error as AttributeError
      expect({ status, extStatus, message }).toEqual({ status: 0x02, extStatus: [], message: "Broken: no backing store" })
    }))
})
