/**
 * Start the simulator in-process for an interop test file, on its own loopback address at port
 * 44818 (the third-party clients only connect to 44818). Returns the TagStore for checking values
 * and a stop function.
 */
import { Effect, Exit, Layer, Scope } from "effect"
import type { CipValue } from "../../src/cip/types.js"
import { Client, parseOperationsEffect } from "../../src/client/client.js"
import { formatResult } from "../../src/client/results.js"
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

/**
 * Read tags with our own client (a separate EtherNet/IP session), to prove a third-party write
 * landed: one array of values per operation (`Tag`, `Tag[3]`, `Tag[0-9]`), failing on any error.
 */
export const readWithClient = (host: string, port: number, ops: ReadonlyArray<string>): Promise<Array<ReadonlyArray<CipValue>>> =>
  Effect.runPromise(Effect.scoped(Effect.gen(function* () {
    const client = yield* Client.connect({ host, port, timeout: "5 seconds" })
    const parsed = yield* parseOperationsEffect(ops)
    const done = yield* client.processAll(parsed, { depth: 4 })
    const failed = done.transactions.filter((t) => !t.ok)
    if (failed.length > 0) return yield* Effect.die(new Error(`our client failed: ${failed.map(formatResult).join("; ")}`))
    // Structures by member, from the controller's templates.
    const decoded = yield* Effect.forEach(done.transactions, client.structures.decode)
    return decoded.map((t) => t.values ?? [])
  })))

/**
 * The tags the Python interop tests use: every atomic type as a scalar and an array (BA, a BOOL[64],
 * is two DWORDs as a controller stores it), strings, program tags.
 */
export const PY_TAGS = [
  "B=BOOL", "S=SINT", "I=INT", "D=DINT", "L=LINT", "US=USINT", "UI=UINT", "UD=UDINT", "UL=ULINT", "R=REAL", "LR=LREAL",
  "SS=SSTRING", "STR=STRING",
  "BA=BOOL[64]", "SA=SINT[20]", "IA=INT[20]", "DA=DINT[20]", "LA=LINT[20]", "USA=USINT[20]", "UIA=UINT[20]", "UDA=UDINT[20]",
  "ULA=ULINT[20]", "RA=REAL[20]", "LRA=LREAL[20]", "SSA=SSTRING[5]", "STRA=STRING[5]",
  "SCADA=INT[1000]", "BITS=DINT",
  "Program:MainProgram.Speed=REAL", "Program:MainProgram.Count=DINT", "Program:Other.Flag=BOOL"
]
