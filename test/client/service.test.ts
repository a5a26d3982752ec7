import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Stream } from "effect"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { makeClientService } from "../../src/client/client.js"
import { parseOperations } from "../../src/client/operations.js"
import type { Completion } from "../../src/client/requestTable.js"
import type { Session } from "../../src/client/session.js"
import { makeFakeDevice } from "./fakeDevice.js"

const fakeSession = (answer: (r: CipRequest) => CipReply, sent: Array<CipRequest>): Session => ({
  send: (req: CipRequest, done: Completion<CipReply>) => {
    sent.push(req)
    setImmediate(() => done(Either.right(answer(req)))) // asynchronous, like a socket
  },
  request: () => Effect.die("unused"),
  command: () => Effect.die("unused"),
  maxRequest: 500,
  sessionHandle: 1,
  connection: undefined
})

describe("client service over a fake session", () => {
  it.effect("a Stream consumer that stops early stops the issuing of requests", () =>
    Effect.gen(function* () {
      const dev = makeFakeDevice({ T: { type: "INT", values: Array.from({ length: 10 }, (_, i) => i) } })
      const sent: Array<CipRequest> = []
      const client = makeClientService(fakeSession(dev.answer, sent))
      const ops = Either.getOrThrow(parseOperations(Array.from({ length: 1000 }, (_, i) => `T[${i % 10}]`)))
      const first = yield* Stream.runCollect(client.process(ops, { depth: 4 }).pipe(Stream.take(5)))
      expect(Chunk.toArray(first).map((r) => r.values![0])).toEqual([0, 1, 2, 3, 4])
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 20)))
      expect(sent.length).toBeLessThanOrEqual(12)
    }))

  it.effect("read / write / readMany: typed values, typed failures, type learned from the tag", () =>
    Effect.gen(function* () {
      const dev = makeFakeDevice({ D: { type: "DINT", values: [0, 0, 0] } })
      const sent: Array<CipRequest> = []
      const client = makeClientService(fakeSession(dev.answer, sent))
      yield* client.write("D[1-2]", [5, 6])
      const w = sent.find((r) => r._tag === "WriteTag")
      expect(w && w._tag === "WriteTag" && w.type.code).toBe(0xc4) // DINT, learned by reading D[1] first
      expect(yield* client.read("D[0-2]")).toEqual([0, 5, 6])
      const bad = yield* Effect.either(client.read("Nope"))
      expect(Either.isLeft(bad) && bad.left._tag === "OperationFailed" && bad.left.message).toMatch(/^Status 5 .*path destination unknown/)
      const parse = yield* Effect.either(client.read("[x"))
      expect(Either.isLeft(parse) && parse.left._tag).toBe("OperationParseError")
      const many = yield* client.readMany(["D[0]", "D[1]", "D[2]", "Nope"])
      expect(many.map((r) => r.ok)).toEqual([true, true, true, false])
      expect(sent[sent.length - 1]!._tag).toBe("MultipleServicePacket")
    }))
})
