/**
 * `cpppo enip client` and `get-attribute` in-process (src/client/run.ts) against a simulator on
 * 127.0.0.1 port 0: UDP discovery that gets no answer (unicast fails, broadcast mode prints "no
 * replies"), structures printed by member, -r, --no-print, and get-attribute's failures; the CIP
 * services the controller answered for -f, -m, -c and --list-tags (its own request counters), the
 * bytes a TCP discovery sends, the summary and failure log lines, `--list-tags` against a
 * controller that hangs up before its templates are read.
 */
import { expect, layer } from "@effect/vitest"
import { Effect, Either, Logger, LogLevel } from "effect"
import { parseRoutePath } from "../../src/cip/epath.js"
import { parseOperations } from "../../src/client/operations.js"
import { runClient, runGetAttribute, type ClientRunConfig } from "../../src/client/run.js"
import { ConnectionRegistry, EnipServer, Simulator, SimulatorLive } from "../../src/server/simulator.js"
import { startProxy } from "../../src/testing/proxy.js"
import { capture } from "../cli/capture.js"
import { freePort } from "./freePort.js"

const ops = (...texts: Array<string>) => Either.getOrThrow(parseOperations(texts))
const base = (port: number, texts: Array<string>, extra: Partial<ClientRunConfig> = {}): ClientRunConfig => ({
  host: "127.0.0.1", port, timeout: 2, operations: ops(...texts), repeat: 1, depth: 1, multiple: 0,
  fragment: false, connected: false, routePath: undefined, simple: false, print: true, verbosity: 0, list: [], udp: false,
  broadcast: false, listTags: false, ...extra
})
const collect = (c: ClientRunConfig) =>
  Effect.gen(function* () {
    const lines: Array<string> = []
    const code = yield* runClient(c, (l) => lines.push(l))
    return { code, lines }
  })
/** runClient with its log lines too (debug and up), as `LEVEL message`. */
const collectLogged = (c: ClientRunConfig) =>
  Effect.gen(function* () {
    const lines: Array<string> = []
    const logs: Array<string> = []
    const code = yield* runClient(c, (l) => lines.push(l)).pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ logLevel, message }) => { logs.push(`${logLevel.label} ${String(message)}`) }))),
      Effect.provide(Logger.minimumLogLevel(LogLevel.Debug)))
    return { code, lines, logs }
  })
/** The CIP services the simulator answered since the last call: name → "status:count,…". */
const answered = Effect.map(Simulator, ({ stats }) => {
  const seen = Object.fromEntries([...stats.requests].map(([name, byStatus]) => [name, [...byStatus].map(([s, n]) => `${s}:${n}`).join(",")]))
  stats.requests.clear()
  return seen
})
/** Until the simulator holds no TCP session (a client's close is seen after runClient returns). */
const noSessions = Effect.gen(function* () {
  const registry = yield* ConnectionRegistry
  while (registry.size() > 0) yield* Effect.sleep("5 millis")
}).pipe(Effect.timeoutFail({ duration: "10 seconds", onTimeout: () => new Error("a session stayed open") }))

layer(SimulatorLive({ host: "127.0.0.1", port: 0, tags: ["SCADA=INT[10]", "M=Motor[2]"], udts: ["Motor{Speed:REAL,Running:BOOL}"] }), { excludeTestServices: true })("runClient", (it) => {
  const port = Effect.map(EnipServer, ({ address }) => address.port)

  it.effect("UDP discovery with no answer: unicast names the timeout and fails (no TCP is tried); broadcast mode prints no replies", () =>
    Effect.gen(function* () {
      const silent = yield* Effect.promise(freePort) // nothing listens: no UDP answer, and TCP would be refused
      const unicast = yield* collect(base(silent, [], { list: ["ListIdentity"], udp: true, timeout: 0.2 }))
      expect(unicast).toEqual({ code: 1, lines: [`ListIdentity: no ListIdentity reply from 127.0.0.1:${silent} within 200ms`] })
      const broadcast = yield* collect(base(silent, [], { list: ["ListServices"], broadcast: true, udpHost: "127.0.0.1", timeout: 0.2 }))
      expect(broadcast).toEqual({ code: 0, lines: ["ListServices: no replies"] })
    }))

  it.effect("broadcast mode asks udpHost over UDP only, not again over TCP; operations still go over TCP", () =>
    Effect.gen(function* () {
      const p = yield* port
      const r = yield* collect(base(p, ["SCADA[1]"], { list: ["ListServices"], broadcast: true, udpHost: "127.0.0.1", timeout: 0.3 }))
      // The UDP reply's lines, no "no replies" line, then the read: nothing asked twice.
      expect(r.lines).toEqual([
        `ListServices from 127.0.0.1:${p}: 1 item`, `  Service "Communications": version 1, capability 0x0020`,
        "            SCADA[1][  1-1  ]+  0 == [0]: 'OK'"
      ])
      expect(r.code).toBe(0)
    }))

  it.effect("a structure read prints by member; -r 0 still runs once; -r 2 twice; --no-print prints nothing", () =>
    Effect.gen(function* () {
      const p = yield* port
      const w = yield* collect(base(p, ["M[1].Speed=(REAL)2.5", "M[1].Running=(BOOL)1"], { print: false }))
      expect(w).toEqual({ code: 0, lines: [] })
      const r = yield* collect(base(p, ["M[1]"], { repeat: 0 }))
      expect(r).toEqual({ code: 0, lines: ["                M[1][  1-1  ]+  0 == [{'Speed': 2.5, 'Running': True}]: 'OK'"] })
      const twice = yield* collect(base(p, ["SCADA[2]"], { repeat: 2, fragment: true, depth: 2 }))
      expect(twice.lines).toEqual(Array(2).fill("            SCADA[2][  2-2  ]+  0 == [0]: 'OK'"))
    }))

  it.effect("TCP discovery alone needs no operations; nothing asked, nothing done", () =>
    Effect.gen(function* () {
      const p = yield* port
      const r = yield* collect(base(p, [], { list: ["ListServices", "ListInterfaces"] }))
      // Over TCP only: the same replies again over UDP would add lines.
      expect(r.lines).toEqual([`ListServices from 127.0.0.1:${p}: 1 item`, `  Service "Communications": version 1, capability 0x0020`, `ListInterfaces from 127.0.0.1:${p}: 0 items`])
      expect(r.code).toBe(0)
      expect(yield* collect(base(p, []))).toEqual({ code: 0, lines: [] })
      // Nothing asked connects nowhere: a port nobody listens on is no failure.
      expect(yield* collect(base(yield* Effect.promise(freePort), []))).toEqual({ code: 0, lines: [] })
    }))

  it.effect("the route path, send path and ticks given are what the Unconnected Send carries (a recording listener)", () =>
    Effect.gen(function* () {
      const cap = yield* Effect.acquireRelease(Effect.promise(capture), (c) => Effect.sync(() => c.close()))
      const r = yield* collect(base(cap.port, ["Y"], {
        routePath: Either.getOrThrow(parseRoutePath("1/3")), sendPath: [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 2 }],
        priorityTimeTick: 7, timeoutTicks: 99
      }))
      expect(r.code).toBe(1) // the listener hangs up after the request
      // Unconnected Send to @6/2, tick 7, 99 ticks, Read Tag "Y" (8 bytes), route path 1 word: port 1, link 3.
      expect([...cap.requests[0]!]).toEqual([0x52, 0x02, 0x20, 0x06, 0x24, 0x02, 7, 99, 8, 0, 0x4c, 0x02, 0x91, 0x01, 0x59, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x03])
      // -c: the first request is a Large Forward Open (0x5b) to the Connection Manager @6/1, not the read.
      const connected = yield* Effect.acquireRelease(Effect.promise(capture), (c) => Effect.sync(() => c.close()))
      expect((yield* collect(base(connected.port, ["Y"], { connected: true }))).code).toBe(1)
      expect([...connected.requests[0]!.subarray(0, 6)]).toEqual([0x5b, 0x02, 0x20, 0x06, 0x24, 0x01])
    }).pipe(Effect.scoped))

  it.effect("get-attribute: a refused attribute makes exit 1 and prints no fields; writes and tag reads print none either", () =>
    Effect.gen(function* () {
      const p = yield* port
      const lines: Array<string> = []
      const cfg = { host: "127.0.0.1", port: p, timeout: 2, routePath: undefined, simple: false, depth: 1 }
      const code = yield* runGetAttribute({ ...cfg, operations: ops("@1/1/99", "SCADA[0]", "@0x93/3/10=(REAL)1.5") }, (l) => lines.push(l))
      expect(code).toBe(1)
      expect(lines).toHaveLength(3) // one result line each, no named fields
      expect(lines[0]).toBe("        @0x0001/1/99              == None: 'Status 20 (attribute not supported)'")
      const ok: Array<string> = []
      expect(yield* runGetAttribute({ ...cfg, operations: ops("@1/1/1"), multiple: true }, (l) => ok.push(l))).toBe(0)
      expect(ok).toEqual(["         @0x0001/1/1              == [1, 0]: 'OK'", "    Vendor ID                  1"])
      const refused = yield* Effect.promise(freePort)
      const gone: Array<string> = []
      expect(yield* runGetAttribute({ ...cfg, port: refused, operations: ops("@1/1") }, (l) => gone.push(l))).toBe(1)
      expect(gone).toEqual([`cpppo enip get-attribute: cannot connect to 127.0.0.1:${refused}: connect ECONNREFUSED 127.0.0.1:${refused}`])
    }))

  it.effect("the services asked: Read Tag each, -f Read Tag Fragmented, -m one Multiple Service Packet; get-attribute unconnected, packed only with -m", () =>
    Effect.gen(function* () {
      const p = yield* port
      yield* answered
      expect(yield* collect(base(p, ["SCADA[3]", "SCADA[4]"], { print: false }))).toEqual({ code: 0, lines: [] })
      expect(yield* answered).toEqual({ ReadTag: "0:2" })
      expect((yield* collect(base(p, ["SCADA[3]", "SCADA[4]"], { print: false, fragment: true }))).code).toBe(0)
      expect(yield* answered).toEqual({ ReadTagFragmented: "0:2" })
      const packed = yield* collect(base(p, ["SCADA[3]", "SCADA[4]"], { multiple: 100 }))
      expect(packed.lines).toEqual(["            SCADA[3][  3-3  ]+  0 == [0]: 'OK'", "            SCADA[4][  4-4  ]+  0 == [0]: 'OK'"])
      expect(yield* answered).toEqual({ MultipleServicePacket: "0:1" })
      const cfg = { host: "127.0.0.1", port: p, timeout: 2, routePath: undefined, simple: false, depth: 1, operations: ops("@1/1/1", "@1/1/2") }
      const lines: Array<string> = []
      expect(yield* runGetAttribute(cfg, (l) => lines.push(l))).toBe(0)
      // No Forward Open: get-attribute asks unconnected, one request an attribute.
      expect(yield* answered).toEqual({ GetAttributeSingle: "0:2" })
      expect(lines).toEqual([
        "         @0x0001/1/1              == [1, 0]: 'OK'", "    Vendor ID                  1",
        "         @0x0001/1/2              == [14, 0]: 'OK'", "    Device Type                14"
      ])
      expect(yield* runGetAttribute({ ...cfg, multiple: true }, () => {})).toBe(0)
      expect(yield* answered).toEqual({ MultipleServicePacket: "0:1" })
    }))

  it.effect("the log: one summary line (operations, requests, failures, seconds) and a debug line per failed operation only", () =>
    Effect.gen(function* () {
      const p = yield* port
      const r = yield* collectLogged(base(p, ["NoTag", "SCADA[1]"], { print: false }))
      expect(r.code).toBe(1)
      expect(r.lines).toEqual([])
      const ours = r.logs.filter((l) => !l.includes("registered with"))
      expect(ours).toHaveLength(2)
      expect(ours[0]).toMatch(/^INFO 2 operations in 2 requests, 1 failed, \d+\.\d{3}s$/)
      expect(ours[1]).toBe("DEBUG Client NoTag              == None: 'Status 5 [0x0000] (path destination unknown)'")
      const packed = yield* collectLogged(base(p, ["SCADA[1]", "SCADA[2]", "SCADA[3]"], { multiple: 100, print: false }))
      expect(packed.logs.filter((l) => !l.includes("registered with"))).toEqual([expect.stringMatching(/^INFO 3 operations in 1 requests, 0 failed, \d+\.\d{3}s$/)])
    }))

  it.effect("TCP discovery alone registers no session: the List Services request is all the controller receives", () =>
    Effect.gen(function* () {
      const p = yield* port
      const { stats } = yield* Simulator
      yield* noSessions
      const before = stats.bytesIn
      const r = yield* collect(base(p, [], { list: ["ListServices"] }))
      expect(r).toEqual({ code: 0, lines: [`ListServices from 127.0.0.1:${p}: 1 item`, `  Service "Communications": version 1, capability 0x0020`] })
      yield* noSessions
      expect(stats.bytesIn - before).toBe(24) // one encapsulation header: no RegisterSession (28), no UnregisterSession (24)
    }))

  it.effect("--list-tags alone: the tags and the structure, the templates read for the structure tag only, no -v average without operations", () =>
    Effect.gen(function* () {
      const p = yield* port
      yield* answered
      const r = yield* collect(base(p, [], { listTags: true, verbosity: 1 }))
      expect(r).toEqual({ code: 0, lines: [
        "SCADA                            INT[10]  (instance 1)",
        "M                                Motor[2]  (instance 2)",
        expect.stringMatching(/^Motor\{Speed:REAL,Running:BOOL\}  \(template 0x100, handle 0x[0-9a-f]{4}, 8 bytes\)$/)
      ] })
      // One template (Motor's) read; none asked for SCADA's INT.
      expect(yield* answered).toEqual({ GetInstanceAttributeList: "0:1", GetAttributeList: "0:1", ReadTemplate: "0:1" })
    }))

  it.scoped("--list-tags against a controller that hangs up after the tag list: the tags still print, the structure by its template id", () =>
    Effect.gen(function* () {
      // The proxy forwards RegisterSession's reply and the Symbol browse's, then closes: the template read fails.
      const proxy = yield* startProxy({ target: { host: "127.0.0.1", port: yield* port }, dropAfter: 2 })
      expect(yield* collect(base(proxy.port, [], { listTags: true }))).toEqual({ code: 0, lines: [
        "SCADA                            INT[10]  (instance 1)",
        "M                                STRUCT(0x100)[2]  (instance 2)"
      ] })
    }))

  it.effect("get-attribute: an attribute of a class it has no names for prints its bytes alone", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const cfg = { host: "127.0.0.1", port: yield* port, timeout: 2, routePath: undefined, simple: false, depth: 1 }
      expect(yield* runGetAttribute({ ...cfg, operations: ops("@0xF6/1/1") }, (l) => lines.push(l))).toBe(0)
      expect(lines).toEqual(["         @0x00F6/1/1              == [100, 0, 0, 0]: 'OK'"])
    }))
})

layer(SimulatorLive({ host: "127.0.0.1", port: 0, tags: ["A=ASCIISTRING82", "S=STRING"], udts: ["ASCIISTRING82{N:DINT}"] }), { excludeTestServices: true })("runClient --list-tags", (it) => {
  it.effect("only the predefined ASCIISTRING82 template lists as STRING: a structure of one's own of that name keeps it, and its definition prints", () =>
    Effect.gen(function* () {
      const { address } = yield* EnipServer
      const r = yield* collect(base(address.port, ["A"], { listTags: true }))
      expect(r).toEqual({ code: 0, lines: [
        "A                                ASCIISTRING82  (instance 1)",
        "S                                STRING  (instance 2)",
        expect.stringMatching(/^ASCIISTRING82\{N:DINT\}  \(template 0x100, handle 0x[0-9a-f]{4}, 4 bytes\)$/),
        "                   A              == [{'N': 0}]: 'OK'"
      ] })
    }))
})
