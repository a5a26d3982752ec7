import { expect, layer } from "@effect/vitest"
import { Effect, Either } from "effect"
import { spawnSync } from "node:child_process"
import { parseOperations } from "../../src/client/operations.js"
import { runClient, runGetAttribute, type ClientRunConfig } from "../../src/client/run.js"
import { EnipServer, SimulatorLive } from "../../src/server/simulator.js"
import { freePort } from "./freePort.js"
import { BIN } from "../cli/cpppo.js" // the real binary, node dist/cli/bin.js

const base = (port: number, texts: Array<string>, extra: Partial<ClientRunConfig> = {}): ClientRunConfig => ({
  host: "127.0.0.1", port, timeout: 2, operations: Either.getOrThrow(parseOperations(texts)), repeat: 1, depth: 1, multiple: 0,
  fragment: false, connected: false, routePath: undefined, simple: false, print: true, verbosity: 0, list: [], udp: false,
  broadcast: false, listTags: false, ...extra
})

layer(SimulatorLive({ host: "127.0.0.1", port: 0, tags: ["SCADA=INT[10]", "DINT1=DINT"] }), { excludeTestServices: true })("cpppo enip client", (it) => {
  const run = (texts: Array<string>, extra: Partial<ClientRunConfig> = {}) =>
    Effect.gen(function* () {
      const { address } = yield* EnipServer
      const lines: Array<string> = []
      const code = yield* runClient(base(address.port, texts, extra), (l) => lines.push(l))
      return { code, lines }
    })

  it.effect("prints cpppo's lines; exit 0 when all succeed", () =>
    Effect.gen(function* () {
      const r = yield* run(["SCADA[3]=4", "SCADA[0-3]", "DINT1"], { depth: 2 })
      expect(r.lines).toEqual([
        "            SCADA[3][  3-3  ]+  0 <= [4]: 'OK'",
        "            SCADA[0][  0-3  ]+  0 == [0, 0, 0, 4]: 'OK'",
        "               DINT1              == [0]: 'OK'"
      ])
      expect(r.code).toBe(0)
    }))

  it.effect("a failed operation names its status and makes the exit status 1; -v adds the average line", () =>
    Effect.gen(function* () {
      const r = yield* run(["NoTag", "SCADA[1]"], { verbosity: 1, repeat: 2, multiple: 500, connected: true })
      expect(r.lines[0]).toMatch(/^ {15}NoTag {14}== None: 'Status 5 .*\(path destination unknown\)'$/)
      expect(r.lines).toHaveLength(5)
      expect(r.lines[4]).toMatch(/^Client Tag I\/O Average +\d+\.\d{3} TPS \( +\d+\.\d{3}s ea\)\.$/)
      expect(r.code).toBe(1)
    }))

  it.effect("discovery over UDP and TCP, --list-tags", () =>
    Effect.gen(function* () {
      const udp = yield* run([], { list: ["ListIdentity", "ListServices"], udp: true })
      expect(udp.lines).toContain('  Product Name:   "1756-L61/B LOGIX5561"')
      expect(udp.lines).toContain('  Service "Communications": version 1, capability 0x0020')
      const tcp = yield* run([], { list: ["ListIdentity"], listTags: true })
      expect(tcp.lines.some((l) => /^SCADA +INT\[10\]/.test(l))).toBe(true)
      expect(tcp.lines.some((l) => /^DINT1 +DINT /.test(l))).toBe(true)
      expect(tcp.code).toBe(0)
    }))

  it.effect("connection refused: one line, exit 1", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      // A port just freed: nothing listens there.
      const port = yield* Effect.promise(freePort)
      const code = yield* runClient(base(port, ["X"]), (l) => lines.push(l))
      expect(code).toBe(1)
      expect(lines).toEqual([`cpppo enip client: cannot connect to 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`])
    }))

  it.effect("get-attribute decodes Identity into named fields", () =>
    Effect.gen(function* () {
      const { address } = yield* EnipServer
      const lines: Array<string> = []
      const ops = Either.getOrThrow(parseOperations(["@1/1", "@1/1/1", "@0xF5/1/1"]))
      const code = yield* runGetAttribute({ host: "127.0.0.1", port: address.port, timeout: 2, routePath: undefined, simple: false, operations: ops, depth: 1 }, (l) => lines.push(l))
      expect(code).toBe(0)
      expect(lines).toContain("    Product Name               1756-L61/B LOGIX5561")
      expect(lines).toContain("    Revision                   20.11")
      expect(lines.filter((l) => l.startsWith("    Vendor ID"))).toHaveLength(2)
      expect(lines.some((l) => l.startsWith("    Interface Status"))).toBe(true)
    }))
})

layer(SimulatorLive({ host: "127.0.0.1", port: 0, tags: [] }), { excludeTestServices: true })("cli mistakes", (it) => {
  it.effect("bad operations and options: one line on stderr, non-zero exit (real binary)", () =>
    Effect.sync(() => {
      for (const args of [["Tag[0-3]=1,2"], ["-d", "0", "X"], ["-u"]]) {
        const r = spawnSync(process.execPath, [BIN, "enip", "client", ...args], { encoding: "utf8", timeout: 30_000 })
        expect(r.status).not.toBe(0)
        expect(r.stderr.trim().split("\n")).toHaveLength(1)
        expect(r.stderr).toMatch(/^cpppo: /)
        expect(r.status).toBe(2) // a usage mistake
      }
    }), 60_000)
})
