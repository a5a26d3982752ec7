/**
 * Our client on structures: members written and read by path, whole elements read as objects of
 * members (the templates read from the controller, as pycomm3 does), bits of integers and of BOOL
 * arrays, and `--list-tags` printing the structure definitions.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Either } from "effect"
import { Client } from "../../src/client/client.js"
import { parseOperations } from "../../src/client/operations.js"
import { formatResult } from "../../src/client/results.js"
import { runClient, type ClientRunConfig } from "../../src/client/run.js"
import { EnipServer, SimulatorLive, TagStore } from "../../src/server/simulator.js"
import { run, start } from "../cli/cpppo.js" // the real binary, node dist/cli/bin.js

const UDTS = ["Motor{Speed:REAL,Running:BOOL,Faults:DINT[4],Name:STRING}", "Line{Pump:Motor,Count:INT,Flags:BOOL[40]}"]
// L before M: the structure definitions still print in template order (Motor 0x100 first); S's
// STRING is the predefined ASCIISTRING82 template, named STRING and not printed as a definition.
const TAGS = ["L=Line", "M=Motor[10]", "Program:Main.P=Motor", "BOOLS=BOOL[100]", "DINT1=DINT", "S=STRING"]
const ops = (...s: Array<string>) => Either.getOrThrow(parseOperations(s))

layer(SimulatorLive({ host: "127.0.0.1", port: 0, tags: TAGS, udts: UDTS }), { excludeTestServices: true })("client on structures", (it) => {
  const connect = (connected = false) =>
    Effect.flatMap(EnipServer, ({ address }) => Client.connect({ host: "127.0.0.1", port: address.port, connected }))

  for (const connected of [false, true]) {
    it.scoped(`members by path; M[3] read as an object of members (${connected ? "connected" : "unconnected"})`, () =>
      Effect.gen(function* () {
        const c = yield* connect(connected)
        const w = yield* c.processAll(ops("M[3].Speed=(REAL)1.5", "M[3].Running=(BOOL)1", "M[3].Faults[1-2]=(DINT)7,-8", "M[3].Name=(STRING)pump 3", "L.Pump.Count=1"), { depth: 2 })
        // L.Pump has no Count: refused by the controller, the others written.
        expect(w.transactions.map((r) => r.ok)).toEqual([true, true, true, true, false])
        expect(w.transactions[4]!.status).toBe(0x05)
        const m3 = yield* c.read("M[3]")
        expect(m3).toEqual([{ Speed: 1.5, Running: true, Faults: [0, 7, -8, 0], Name: "pump 3" }])
        yield* c.write("L.Pump.Faults[3]", [42]) // the type is learned from the member (DINT)
        const l = (yield* c.read("L")) as ReadonlyArray<{ Pump: { Faults: Array<number> } }>
        expect(l[0]!.Pump.Faults).toEqual([0, 0, 0, 42])
        const two = yield* c.processAll(ops("M[2-3]", "M[3].Faults[1-2]", "P"), { multiple: true })
        expect(two.transactions[2]!.ok).toBe(false) // Program tags need their Program: scope
        const printed = yield* Effect.forEach(two.transactions, c.structures.decode)
        expect(formatResult(printed[0]!)).toBe(
          "                M[2][  2-3  ]+  0 == [{'Speed': 0.0, 'Running': False, 'Faults': [0, 0, 0, 0], 'Name': ''}, " +
          "{'Speed': 1.5, 'Running': True, 'Faults': [0, 7, -8, 0], 'Name': 'pump 3'}]: 'OK'")
        expect(formatResult(printed[1]!)).toBe("      M[3].Faults[1][  1-2  ]+  0 == [7, -8]: 'OK'")
      }))
  }

  it.scoped("bits: DINT1.5 and BOOLS[1].5 read and written by Read-Modify-Write; the rest of the word stays", () =>
    Effect.gen(function* () {
      const c = yield* connect()
      const store = yield* TagStore
      yield* store.write("DINT1", 0, [0x0f])
      const r = yield* c.processAll(ops("DINT1.5=1", "DINT1.0=0", "DINT1.5", "DINT1", "BOOLS[1].5=1", "BOOLS[1].5", "BOOLS[1]", "DINT1.40"))
      expect(r.transactions.map((t) => t.values)).toEqual([[true], [false], [true], [0x2e], [true], [true], [32], undefined])
      expect(r.transactions[7]).toMatchObject({ ok: false, status: 0xff, extStatus: [0x2107] }) // bit 40 of a DINT
      expect(yield* store.read("BOOLS", 37, 1)).toEqual([true])
      expect(formatResult(r.transactions[0]!)).toBe("             DINT1.5              <= [True]: 'OK'")
    }))

  it.scoped("a program-scoped structure tag decodes too (its template found through the program's tag list)", () =>
    Effect.gen(function* () {
      const c = yield* connect()
      yield* c.write("Program:Main.P.Speed", [2.5], "REAL")
      expect(yield* c.read("Program:Main.P")).toEqual([{ Speed: 2.5, Running: false, Faults: [0, 0, 0, 0], Name: "" }])
    }))

  it.effect("--list-tags prints each tag with its structure's name, then the structure definitions", () =>
    Effect.gen(function* () {
      const { address } = yield* EnipServer
      const lines: Array<string> = []
      const cfg: ClientRunConfig = {
        host: "127.0.0.1", port: address.port, timeout: 5, operations: ops("L.Pump.Speed", "M[1]"), repeat: 1, depth: 1, multiple: 0,
        fragment: false, connected: false, routePath: undefined, simple: false, print: true, verbosity: 0, list: [], udp: false,
        broadcast: false, listTags: true
      }
      expect(yield* runClient(cfg, (l) => lines.push(l))).toBe(0)
      const store = yield* TagStore
      const h = (name: string) => store.types.byName(name)!.handle.toString(16).padStart(4, "0")
      expect(lines.slice(0, 8)).toEqual([
        "L                                Line  (instance 1)",
        "M                                Motor[10]  (instance 2)",
        "BOOLS                            DWORD[4]  (instance 4)",
        "DINT1                            DINT  (instance 5)",
        "S                                STRING  (instance 6)",
        "Program:Main                     0x68  (instance 7)",
        `Motor{Speed:REAL,Running:BOOL,Faults:DINT[4],Name:STRING}  (template 0x100, handle 0x${h("Motor")}, 112 bytes)`,
        `Line{Pump:Motor,Count:INT,Flags:BOOL[64]}  (template 0x101, handle 0x${h("Line")}, 124 bytes)`
      ])
      expect(lines.at(-2)).toBe("        L.Pump.Speed              == [0.0]: 'OK'")
      expect(lines.at(-1)).toMatch(/^ +M\[1\]\[  1-1  \]\+  0 == \[\{'Speed': 0\.0, 'Running': False, 'Faults': \[0, 0, 0, 0\], 'Name': ''\}\]: 'OK'$/)
    }))
})

describe("cpppo enip server --udt and cpppo enip client, the real binaries", () => {
  it("the server takes --udt structures and prints member access (-p); the client writes a member and prints the structure as a dict", async () => {
    const server = start(["enip", "server", "-a", "127.0.0.1:0", "-A", "-p", "--udt", UDTS[0]!, "--udt", UDTS[1]!, "M=Motor[10]", "L=Line"])
    try {
      const address = await server.line(/^127\.0\.0\.1:\d+$/)
      const client = await run(["enip", "client", "-a", address, "-p", "M[3].Speed=(REAL)1.5", "L.Pump.Running=(BOOL)1", "M[3]", "L.Pump.Running", "--list-tags"], { timeout: 60_000 })
      expect(client.status, client.stderr).toBe(0)
      const lines = client.stdout.trimEnd().split("\n")
      expect(lines.some((l) => /^Motor\{Speed:REAL,Running:BOOL,Faults:DINT\[4\],Name:STRING\}  \(template 0x100, handle 0x[0-9a-f]{4}, 112 bytes\)$/.test(l))).toBe(true)
      expect(lines.slice(-4)).toEqual([
        "          M[3].Speed              <= [1.5]: 'OK'",
        "      L.Pump.Running              <= [True]: 'OK'",
        "                M[3][  3-3  ]+  0 == [{'Speed': 1.5, 'Running': False, 'Faults': [0, 0, 0, 0], 'Name': ''}]: 'OK'",
        "      L.Pump.Running              == [True]: 'OK'"
      ])
      // The server's -p names each access by its member path, values as Python prints them.
      expect(await server.line(/M\[3\]\.Speed\[ +0-0 +\] <= \[1\.5\]/)).toBeDefined()
      expect(await server.line(/L\.Pump\.Running\[ +0-0 +\] <= \[True\]/)).toBeDefined()
      // a whole element as pycomm3's dict, each member as its type prints (REAL 0.0)
      expect(await server.line(/^ +M\[ +3-3 +\] == \[\{'Speed': 1\.5, 'Running': False, 'Faults': \[0, 0, 0, 0\], 'Name': ''\}\]$/)).toBeDefined()
      expect(await server.line(/^ +L\.Pump\.Running\[ +0-0 +\] == \[True\]$/)).toBeDefined()
    } finally {
      await server.stop()
    }
  }, 120_000)
})
