/**
 * The client in your own Effect app. Runs against an in-process simulator unless you give a
 * controller's address:
 *
 *   npx tsx examples/client/app.ts                    # starts a simulator on 127.0.0.1 (port 0)
 *   npx tsx examples/client/app.ts 10.0.0.5:44818     # a real controller (route path 1/0)
 */
import { Console, Effect, Layer, Stream } from "effect"
import { Client as C, Server } from "cpppo"

const { Client, formatResult, parseOperationsEffect } = C
const { EnipServer, SimulatorLive } = Server

const program = Effect.gen(function* () {
  const client = yield* Client

  // One at a time: typed values back, typed failures.
  yield* client.write("SCADA[0-3]", [10, 20, 30, 40])
  const values = yield* client.read("SCADA[0-3]")
  yield* Console.log("SCADA[0-3] =", values)

  // Many operations: pipelined 8 deep, packed into Multiple Service Packets, as a Stream.
  const operations = yield* parseOperationsEffect(["SCADA[0]", "SCADA[1-2]", "NoSuchTag", "SCADA[3]=(INT)99", "SCADA[3]"])
  yield* client.process(operations, { depth: 8, multiple: true }).pipe(
    Stream.runForEach((r) => Console.log(formatResult(r)))
  )

  // Or all at once, with cpppo's summary.
  const summary = yield* client.processAll(operations, { depth: 8 })
  yield* Console.log(`${summary.transactions.length} operations, ${summary.failures} failed, ${summary.requests} requests`)
})

const target = process.argv[2]
const ClientLive = target !== undefined
  ? Client.layer({ host: target.split(":")[0]!, port: Number(target.split(":")[1] ?? 44818) })
  // No controller given: run a simulator here and point the client at it.
  : Layer.unwrapEffect(Effect.map(EnipServer, ({ address }) => Client.layer({ host: "127.0.0.1", port: address.port }))).pipe(
      Layer.provideMerge(SimulatorLive({ host: "127.0.0.1", port: 0, tags: ["SCADA=INT[100]"] }))
    )

program.pipe(
  Effect.provide(ClientLive),
  Effect.catchAll((e) => Console.error(`failed: ${e.message}`)),
  Effect.runPromise
)
