/**
 * Start the simulator in-process for an interop test file, on its own loopback address at port
 * 44818 (the third-party clients only connect to 44818). Returns the TagStore for checking values
 * and a stop function.
 */
import { Effect, Exit, Layer, Scope } from "effect"
import { EnipServer, SimulatorLive, type SimulatorConfig, TagStore } from "../../src/server/simulator.js"
import type { TagStoreService } from "../../src/tags/tagStore.js"

export interface Running {
  readonly store: TagStoreService
  readonly port: number
  readonly stop: () => Promise<void>
}

export const startSimulator = async (config: SimulatorConfig): Promise<Running> => {
  const scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(SimulatorLive(config), scope))
  const store = context.unsafeMap.get(TagStore.key) as TagStoreService
  const server = context.unsafeMap.get(EnipServer.key) as { address: { port: number } }
  return { store, port: server.address.port, stop: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}

export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)
