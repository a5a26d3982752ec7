/**
 * History of structure access: a simulator with `--udt` structures and `--historize FILE`, a
 * client writing members, bits and whole elements; each record names what was accessed by its
 * full member path (`["M[3].Speed", [0, 0]]`, `["M[3].Faults", [2, 3]]`), whole elements by tag
 * and index with the structure's value as an object of members.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Deferred, Effect, Fiber, Stream } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { runSimulator } from "../../src/cli/simulator.js"
import { Client } from "../../src/client/client.js"
import { readHistory } from "../../src/history/reader.js"

const UDTS = ["Motor{Speed:REAL,Running:BOOL,Faults:DINT[4],Name:STRING}", "Line{Pump:Motor,Count:INT}"]

describe("history of structure access", () => {
  it.scopedLive("member writes and reads are recorded by member path; whole elements by tag and index", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.acquireRelease(
        Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-udt-history-"))),
        (d) => Effect.sync(() => fs.rmSync(d, { recursive: true, force: true }))
      )
      const file = path.join(dir, "udt.hst")
      const listening = yield* Deferred.make<number>()
      const server = yield* Effect.forkScoped(runSimulator(
        { host: "127.0.0.1", port: 0, udp: false, tags: ["M=Motor[10]", "L=Line", "BOOLS=BOOL[64]"], udts: UDTS, historize: file },
        { onListening: ({ tcp }) => Deferred.succeed(listening, tcp.port) }
      ))
      const port = yield* Deferred.await(listening).pipe(Effect.timeout("10 seconds"))
      yield* Effect.scoped(Effect.gen(function* () {
        const c = yield* Client.connect({ host: "127.0.0.1", port })
        yield* c.write("M[3].Speed", [1.5], "REAL")
        yield* c.write("M[3].Faults[2-3]", [7, 8], "DINT")
        yield* c.write("M[3].Running", [true], "BOOL")
        yield* c.write("L.Pump.Name", ["P1"], "STRING")
        yield* c.write("BOOLS[1].5", [true])
        expect(yield* c.read("M[3]")).toEqual([{ Speed: 1.5, Running: true, Faults: [0, 0, 7, 8], Name: "" }])
      }))
      yield* Fiber.interrupt(server)
      const records = Chunk.toArray(yield* Stream.runCollect(readHistory([file])))
      const seen = records.map(({ serial, data }) => ({ serial, data }))
      expect(seen).toEqual([
        { serial: ["M[3].Speed", [0, 0]], data: { write: [1.5] } },
        { serial: ["M[3].Faults", [2, 3]], data: { write: [7, 8] } },
        { serial: ["M[3].Running", [0, 0]], data: { write: [true] } },
        { serial: ["L.Pump.Name", [0, 0]], data: { write: ["P1"] } },
        // A bit of a BOOL array: the DWORD read, then written by Read-Modify-Write (32 BOOLs each).
        { serial: ["BOOLS", [32, 63]], data: { read: Array.from({ length: 32 }, () => false) } },
        { serial: ["BOOLS", [32, 63]], data: { write: Array.from({ length: 32 }, (_, i) => i === 5) } },
        { serial: ["M", [3, 3]], data: { read: [{ Speed: 1.5, Running: true, Faults: [0, 0, 7, 8], Name: "" }] } }
      ])
    }))
})
