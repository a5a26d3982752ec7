/** Test helper: an in-process simulator (SimulatorLive on 127.0.0.1:0) for the length of a callback. */
import { Context, Effect, Layer, Logger, LogLevel } from "effect"
import type { ControllerService } from "../../src/device/controller.js"
import type { ServerControlService } from "../../src/server/control.js"
import type { ConnectionRegistryService } from "../../src/server/registry.js"
import { ConnectionRegistry, Controller, EnipServer, ServerControl, SimulatorLive, type SimulatorConfig, TagStore } from "../../src/server/simulator.js"
import type { TagStoreService } from "../../src/tags/tagStore.js"

export interface Sim {
  readonly port: number
  readonly control: ServerControlService
  readonly registry: ConnectionRegistryService
  readonly controller: ControllerService
  readonly tags: TagStoreService
}

export const withSim = <A>(config: Partial<SimulatorConfig> & Pick<SimulatorConfig, "tags">, f: (sim: Sim) => Promise<A>): Promise<A> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const layer = SimulatorLive({ host: "127.0.0.1", port: 0, udp: false, ...config }).pipe(Layer.provide(Logger.minimumLogLevel(LogLevel.None)))
        const ctx = yield* Layer.build(layer)
        const sim: Sim = {
          port: Context.get(ctx, EnipServer).address.port,
          control: Context.get(ctx, ServerControl),
          registry: Context.get(ctx, ConnectionRegistry),
          controller: Context.get(ctx, Controller),
          tags: Context.get(ctx, TagStore)
        }
        return yield* Effect.promise(() => f(sim))
      })
    )
  )

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
