/**
 * Each command's own checks, run in-process (test/cli/inProcess.ts): a mistake the argv check
 * cannot see (an address, a tag spec, a route path, options that go together) ends the command
 * with its one usage line before anything listens or connects. The same lines through the binary
 * are in test/cli/usage.test.ts; here the handlers' code runs in this process.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Logger, Option } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { parseUnits } from "../../src/cli/modbusServer.js"
import { prepareMoving } from "../../src/cli/movingOptions.js"
import { parseTagSpec } from "../../src/tags/spec.js"
import { historyOf, T0 } from "../replay/history.js"
import { runCpppo, usageOf } from "./inProcess.js"

const table = (rows: ReadonlyArray<readonly [ReadonlyArray<string>, string]>) =>
  Effect.gen(function* () {
    for (const [args, message] of rows) expect(yield* usageOf(...args), args.join(" ")).toBe(message)
  })

const PORT = 'invalid address "h:99999": port must be 0..65535'

describe("enip server: usage mistakes", () => {
  it.effect("address, tag specs, structures, Modbus bridging", () => table([
    [["enip", "server", "-a", "h:99999", "X=INT"], PORT],
    [["enip", "server", "X=FOO"], 'bad tag spec "X=FOO": unknown type "FOO" (one of BOOL SINT INT DINT LINT USINT UINT UDINT ULINT REAL LREAL SSTRING STRING, or a structure declared with --udt)'],
    [["enip", "server", "--udt", "Bad{", "X=INT"], 'bad structure definition "Bad{": expected NAME{Member:TYPE[n],…}'],
    [["enip", "server", "X@40001=INT"], 'tag spec "X@40001=INT" names a Modbus register: give --modbus host[:port]'],
    [["enip", "server", "Y=INT", " X @ 40001 = INT"], 'tag spec " X @ 40001 = INT" names a Modbus register: give --modbus host[:port]'],
    [["enip", "server", "--modbus", "h:99999", "X@40001=INT"], PORT],
    [["enip", "server", "--modbus", "h", "--modbus-word-order", "middle", "X=INT"], '--modbus-word-order takes big or little, not "middle"'],
    [["enip", "server", "--modbus", "h", "X@4x=INT"], 'bad tag spec "X@4x=INT": attribute placement must be @class/instance/attribute'],
    [["enip", "server", "--modbus", "h", "X@40001=STRING"], 'bad Modbus tag spec "X@40001=STRING": type STRING cannot live in Modbus registers (one of BOOL INT UINT DINT UDINT REAL LINT ULINT LREAL)'],
    [["enip", "server", "-c", "/nonexistent-dir/x.cfg", "X=INT"], "cannot read config /nonexistent-dir/x.cfg: ENOENT: no such file or directory, open '/nonexistent-dir/x.cfg'"]
  ]))

  it.effect("transports, delay, route path, identity", () => table([
    [["enip", "server", "-T", "-U", "X=INT"], "-T/--no-tcp with -U/--no-udp leaves nothing to serve"],
    [["enip", "server", "-d", "abc", "X=INT"], 'invalid delay "abc": expected seconds like 0.5 or a range like 0.1-0.9'],
    [["enip", "server", "--route-path", "zz", "X=INT"], 'invalid route path "zz": route path needs port/link pairs: zz'],
    [["enip", "server", "--vendor", "70000", "X=INT"], "--vendor takes a whole number 0..65535, not 70000"],
    [["enip", "server", "--serial", "x", "X=INT"], '--serial: serial must be a whole number 0..4294967295, not "x"'],
    [["enip", "server", "--revision", "300.1", "X=INT"], '--revision: revision must be MAJOR.MINOR (each 0..255) or a 16-bit number, not "300.1"'],
    [["enip", "server", "--product-name", "x".repeat(33), "X=INT"], `--product-name: productName must be text of at most 32 characters, not "${"x".repeat(33)}"`]
  ]))

  it.effect("the web options", () => table([
    [["enip", "server", "-w", "h:99999", "X=INT"], PORT],
    [["enip", "server", "--web-history", "/nonexistent-dir", "X=INT"], "--web-history /nonexistent-dir: not a directory"],
    [["enip", "server", "--web-history", "/etc/hostname", "-w", ":0", "X=INT"], "--web-history /etc/hostname: not a directory"],
    [["enip", "server", "--web-cors", "a", "X=INT"], "--web-cors needs -w/--web"],
    [["enip", "server", "--web-host", "a", "X=INT"], "--web-host needs -w/--web"]
  ]))

  it.effect("signals and replay (historize takes the same options)", () => table([
    [["enip", "server", "--speed", "2", "X=INT"], "--speed, --loop, --since and --until go with --replay FILE"],
    [["enip", "server", "--loop", "X=INT"], "--speed, --loop, --since and --until go with --replay FILE"],
    [["enip", "server", "--since", "0", "X=INT"], "--speed, --loop, --since and --until go with --replay FILE"],
    [["enip", "server", "--until", "0", "X=INT"], "--speed, --loop, --since and --until go with --replay FILE"],
    [["enip", "server", "--paused", "X=INT"], "--paused goes with --signal or --replay FILE"],
    [["enip", "server", "--signal", "X=bogus(", "X=INT"], 'bad signal "X=bogus(": expected a value, found the end at position 9'],
    [["enip", "server", "--replay", "/nonexistent.hst", "X=INT"], "--replay /nonexistent.hst: open /nonexistent.hst: no such file"],
    [["enip", "historize", "/tmp/never-written.hst", "--paused", "X=INT"], "--paused goes with --signal or --replay FILE"],
    [["enip", "historize", "/tmp/never-written.hst", "-T", "-U", "X=INT"], "-T/--no-tcp with -U/--no-udp leaves nothing to serve"]
  ]))
})

describe("enip client, get-attribute, poll: usage mistakes", () => {
  it.effect("client: target, route and send paths, operations, what to do", () => table([
    [["enip", "client", "-a", "h:99999", "X"], PORT],
    [["enip", "client", "--route-path", "zz", "X"], 'invalid route path "zz": route path needs port/link pairs: zz'],
    [["enip", "client", "--send-path", "zz", "X"], `invalid send path "zz": expected @class/instance such as @6/1, or ''`],
    [["enip", "client", "--send-path", "@70000/1", "X"], `invalid send path "@70000/1": expected @class/instance such as @6/1, or ''`],
    [["enip", "client", "--send-path", "@6/4294967296", "X"], `invalid send path "@6/4294967296": expected @class/instance such as @6/1, or ''`],
    [["enip", "client", "--send-path", "@6/x", "X"], `invalid send path "@6/x": expected @class/instance such as @6/1, or ''`],
    [["enip", "client", "--route-path", "10", "X"], 'invalid route path "10": route path needs port/link pairs: 10'],
    [["enip", "client", "--route-path", "nonesuch", "X"], 'invalid route path "nonesuch": route path needs port/link pairs: nonesuch'],
    [["enip", "client", "--route-path", "0/", "X"], "invalid route path \"0/\": bad port '0' in route path"],
    [["enip", "client", "--send-path", "@6/1/2", "X"], `invalid send path "@6/1/2": expected @class/instance such as @6/1, or ''`],
    [["enip", "client", "--send-path", "x@6/1", "X"], `invalid send path "x@6/1": expected @class/instance such as @6/1, or ''`],
    [["enip", "client", "--send-path", "@6/", "X"], `invalid send path "@6/": expected @class/instance such as @6/1, or ''`],
    [["enip", "client", "--send-path", "/1", "X"], `invalid send path "/1": expected @class/instance such as @6/1, or ''`],
    [["enip", "client", "--send-path", "nonesuch", "X"], `invalid send path "nonesuch": expected @class/instance such as @6/1, or ''`],
    [["enip", "client", "--send-path", "xfalse", "X"], `invalid send path "xfalse": expected @class/instance such as @6/1, or ''`],
    [["enip", "client", "--send-path", "@65536/1", "X"], `invalid send path "@65536/1": expected @class/instance such as @6/1, or ''`],
    [["enip", "client", "-m", "8", "X"], "invalid --multiple 8: too small for any request"],
    [["enip", "client", "-m", "15", "X"], "invalid --multiple 15: too small for any request"],
    [["enip", "client", "X[", "Y"], 'invalid operation "X[": malformed element index in "X["'],
    [["enip", "client", "-u", "X"], "-u/--udp and -b/--broadcast need -i, -s or -I"],
    [["enip", "client", "-b"], "-u/--udp and -b/--broadcast need -i, -s or -I"],
    [["enip", "client"], "nothing to do: give operations, --list-tags, -i, -s or -I"],
    [["enip", "client", "-m"], "nothing to do: give operations, --list-tags, -i, -s or -I"]
  ]))

  it.effect("client: -f makes a write of a type without a fixed size a mistake; -u with -i is not one", () => Effect.gen(function* () {
    expect(yield* usageOf("enip", "client", "-f", "S=(SSTRING)abc")).toBe('invalid operation "S=(SSTRING)abc": a fragmented write needs a fixed-size type, not SSTRING')
    // Asked over UDP of 127.0.0.1 port 1, nobody answers: the client waits -t and ends.
    expect(yield* usageOf("enip", "client", "-u", "-i", "-a", "127.0.0.1:1", "-t", "0.2")).toBe("ok")
  }))

  it.effect("get-attribute: numeric paths only, something to do", () => table([
    [["enip", "get-attribute", "X"], "get-attribute takes numeric @class/instance[/attribute] paths, not X"],
    [["enip", "get-attribute", "X.Y"], "get-attribute takes numeric @class/instance[/attribute] paths, not X.Y"],
    [["enip", "get-attribute"], "nothing to do: give @class/instance[/attribute] operations"],
    [["enip", "get-attribute", "@1/1/"], 'invalid operation "@1/1/": invalid number "" in numeric address'],
    [["enip", "get-attribute", "-a", "h:99999", "@1/1"], PORT],
    [["enip", "get-attribute", "--route-path", "zz", "@1/1"], 'invalid route path "zz": route path needs port/link pairs: zz']
  ]))

  it.effect("poll: target, tags, route path", () => table([
    [["enip", "poll", "-a", "h:99999", "X"], PORT],
    [["enip", "poll", "X["], 'invalid operation "X[": malformed element index in "X["'],
    [["enip", "poll", "--route-path", "zz", "X"], 'invalid route path "zz": route path needs port/link pairs: zz']
  ]))
})

describe("enip fleet: usage mistakes and --list", () => {
  it.effect("count, fleet file, paused, shard, web", () => table([
    [["enip", "fleet", "--config", "/nonexistent.yaml"], "cannot read fleet file /nonexistent.yaml: ENOENT: no such file or directory, open '/nonexistent.yaml'"],
    [["enip", "fleet", "--config", "/nonexistent.yaml", "--vendor", "1", "-s", "100"], "--size, --vendor: with --config, controller options go in the file (its defaults: or entries)"],
    [["enip", "fleet", "--paused", "X=INT"], "--paused goes with --signal (or signals: in the fleet file)"],
    [["enip", "fleet", "--shard", "zz", "X=INT"], 'invalid shard "zz": expected INDEX/COUNT (e.g. 0/4, or POD-NAME-2/4)'],
    [["enip", "fleet", "-w", "h:99999", "X=INT"], PORT],
    [["enip", "fleet", "--web-cors", "a", "X=INT"], "--web-cors needs -w/--web"],
    [["enip", "fleet", "--web-host", "a", "X=INT"], "--web-host needs -w/--web"],
    [["enip", "fleet", "--web-history", "/nonexistent-dir", "X=INT"], "--web-history /nonexistent-dir: not a directory"]
  ]))
})

describe("enip fleet --list: the controllers and their addresses, without serving", () => {
  it.effect("numbered names, consecutive addresses (IPv4 and IPv6), a shard's part", () => Effect.gen(function* () {
    expect(yield* runCpppo("enip", "fleet", "--list", "--count", "3", "-a", "127.0.0.1:1000", "X=INT"))
      .toEqual({ out: "plc1 127.0.0.1:1000\nplc2 127.0.0.2:1000\nplc3 127.0.0.3:1000\n", end: "ok", exitCode: undefined })
    expect((yield* runCpppo("enip", "fleet", "--list", "--count", "3", "--name", "line", "-a", "127.0.0.1:1000", "--shard", "1/2", "X=INT")).out)
      .toBe("line2 127.0.0.2:1000\nline3 127.0.0.3:1000\n")
    expect((yield* runCpppo("enip", "fleet", "--list", "--count", "2", "-a", "[::1]:0", "X=INT")).out).toBe("plc1 [::1]:0\nplc2 [::2]:0\n")
    expect((yield* runCpppo("enip", "fleet", "--list", "-a", "127.0.0.1:1000", "X=INT")).out).toBe("plc1 127.0.0.1:1000\n")
  }))
})

describe("modbus server and poll: usage mistakes", () => {
  it.effect("server: address, registers, unit ids, delay, web", () => table([
    [["modbus", "server", "-a", "h:99999", "40001=1"], PORT],
    [["modbus", "server", "bogus"], 'bad register "bogus": expected <begin>[-<end>][=<value>[,<value>…]]'],
    [["modbus", "server", "--unit", "300", "40001=1"], 'invalid unit id "300": expected 0..255'],
    [["modbus", "server", "-d", "x", "40001=1"], 'invalid delay "x": expected seconds like 0.5 or a range like 0.1-0.9'],
    [["modbus", "server", "-w", "h:99999", "40001=1"], PORT],
    // Number() alone would take these: the unit id pattern is decimal or 0x hex, the whole text.
    [["modbus", "server", "-u", "1e2", "40001=1"], 'invalid unit id "1e2": expected 0..255'],
    [["modbus", "server", "-u", "0b11", "40001=1"], 'invalid unit id "0b11": expected 0..255']
  ]))

  it("server: unit ids comma-separated and repeated, spaces around them, decimal and 0x hex", () => {
    expect(parseUnits(["1, 2 ", "0x1F", "255", "10"])).toEqual(Either.right([1, 2, 31, 255, 10]))
    expect(parseUnits([" 0x0a,0"])).toEqual(Either.right([10, 0]))
    expect(parseUnits(["0x"])).toEqual(Either.left('invalid unit id "0x": expected 0..255'))
  })

  it.effect("poll: address and registers (ranges are the argv check's)", () => table([
    [["modbus", "poll", "-a", "h:99999", "40001"], PORT],
    [["modbus", "poll", "bogus"], 'bad register "bogus": expected <begin>[-<end>][=<value>[,<value>…]]'],
    [["modbus", "poll", "--unit", "300", "40001"], "-u/--unit takes a whole number 0..255, not 300"],
    [["modbus", "poll", "-t", "0", "40001"], "-t/--timeout takes a number of at least 0.001, not 0"]
  ]))

  // modbusPoll.ts has no checks of its own for these: the argv check (spec.ts ranges) refuses
  // them before the handler runs, as a usage mistake (bin.ts: one `cpppo:` line, exit status 2).
  it.effect("poll: -u, -R, -t, -r, -d and --duration out of range never reach the handler", () => table([
    [["modbus", "poll", "-u", "-1", "40001"], "-u/--unit takes a whole number 0..255, not -1"],
    [["modbus", "poll", "-u", "256", "40001"], "-u/--unit takes a whole number 0..255, not 256"],
    [["modbus", "poll", "-u", "1.5", "40001"], '-u/--unit takes a whole number 0..255, not "1.5"'],
    [["modbus", "poll", "-R", "0", "40001"], "-R/--rate takes a number of at least 0.001, not 0"],
    [["modbus", "poll", "-R", "-1", "40001"], "-R/--rate takes a number of at least 0.001, not -1"],
    [["modbus", "poll", "-R", "nan", "40001"], '-R/--rate takes a number of at least 0.001, not "nan"'],
    [["modbus", "poll", "-R", "inf", "40001"], '-R/--rate takes a number of at least 0.001, not "inf"'],
    [["modbus", "poll", "-t", "-0.5", "40001"], "-t/--timeout takes a number of at least 0.001, not -0.5"],
    [["modbus", "poll", "-r", "0", "40001"], "-r/--reach takes a whole number of at least 1, not 0"],
    [["modbus", "poll", "-d", "0", "40001"], "-d/--depth takes a whole number of at least 1, not 0"],
    [["modbus", "poll", "--duration", "0", "40001"], "--duration takes a number of at least 0.001, not 0"],
    [["modbus", "poll", "--duration", "-2", "40001"], "--duration takes a number of at least 0.001, not -2"]
  ]))
})

describe("--signal and --replay checked before the simulator starts (prepareMoving)", () => {
  const none = Option.none<string>()
  const base = { signal: [] as ReadonlyArray<string>, signalRate: 0.1, paused: false, replay: none, speed: 1, loop: false, since: none, until: none }
  const failure = <A, E extends { readonly message: string }, R>(e: Effect.Effect<A, E, R>) => Effect.map(Effect.flip(e), (x) => x.message)

  it.effect("signals alone: their specs, the period in ms and paused; no replay, no tags added", () => Effect.gen(function* () {
    expect(yield* prepareMoving({ ...base, signal: ["X=sine(period=1s)", "Y=ramp(rate=1)"], signalRate: 0.25, paused: true }, []))
      .toStrictEqual({ tags: [], signals: { specs: ["X=sine(period=1s)", "Y=ramp(rate=1)"], periodMillis: 250, paused: true } })
    expect(yield* prepareMoving(base, [])).toStrictEqual({ tags: [] })
  }))

  it.effect("a replay: the recorded tags not given, its settings, --since/--until from the first record; members warned of", () => Effect.gen(function* () {
    const file = yield* historyOf([
      [0, ["Level", [0, 0]], { read: [1.5], type: "REAL" }],
      [4, ["scada", [0, 2]], { read: [1, 2, 3], type: "INT" }],
      [9, ["Motor.Speed", [0, 0]], { read: [3] }]
    ])
    const given = [Either.getOrThrow(parseTagSpec("SCADA=DINT[10]"))]
    const warnings: Array<string> = []
    const logger = Logger.make(({ logLevel, message }) => { if (logLevel._tag === "Warning") warnings.push(String(message)) })
    const out = yield* prepareMoving({ ...base, replay: Option.some(file), speed: 2, loop: true, since: Option.some("3"), until: Option.some("3") }, given).pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
    expect(out.tags.map((s) => `${s.name}=${s.type}[${s.count}]`)).toEqual(["Level=REAL[1]"])
    expect(out.signals).toBeUndefined()
    const { scan, since, until, ...settings } = out.replay!
    expect(settings).toStrictEqual({ speed: 2, loop: true, paused: false })
    expect([scan.records, scan.first?.micros, scan.last?.micros]).toEqual([3, T0.micros, T0.plus(9).micros])
    expect([since?.micros, until?.micros]).toEqual([T0.plus(3).micros, T0.plus(3).micros])
    expect(warnings).toEqual([`--replay ${file}: Motor.Speed is recorded but cannot be made a tag here (not replayed)`])
    // Without --since/--until the replay names neither; signals and a paused replay go together.
    const both = yield* prepareMoving({ ...base, replay: Option.some(file), signal: ["X=1"], paused: true }, given)
    expect(Object.keys(both.replay!).sort()).toEqual(["loop", "paused", "scan", "speed"])
    expect(both.replay!.paused).toBe(true)
    expect(both.signals).toStrictEqual({ specs: ["X=1"], periodMillis: 100, paused: true })
  }))

  it.effect("a replay's mistakes: --until before --since, a bad time, a file without records", () => Effect.gen(function* () {
    const file = yield* historyOf([[0, ["Level", [0, 0]], { read: [1.5], type: "REAL" }], [9, ["Level", [0, 0]], { read: [2] }]])
    const replay = Option.some(file)
    expect(yield* failure(prepareMoving({ ...base, replay, since: Option.some("5"), until: Option.some("4.5") }, []))).toBe("--until 4.5 is before --since")
    // One of the two alone is no mistake: only it is set.
    const onlyUntil = (yield* prepareMoving({ ...base, replay, until: Option.some("4.5") }, [])).replay!
    expect([onlyUntil.until?.micros, "since" in onlyUntil]).toEqual([T0.plus(4.5).micros, false])
    const onlySince = (yield* prepareMoving({ ...base, replay, since: Option.some("5") }, [])).replay!
    expect([onlySince.since?.micros, "until" in onlySince]).toEqual([T0.plus(5).micros, false])
    expect(yield* failure(prepareMoving({ ...base, replay, since: Option.some("soon") }, []))).toMatch(/^--since /)
    expect(yield* failure(prepareMoving({ ...base, replay, until: Option.some("+x") }, []))).toBe('--until "+x" is not a number of seconds or a duration')
    const empty = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-moving-")), "empty.hst")
    fs.writeFileSync(empty, "")
    expect(yield* failure(prepareMoving({ ...base, replay: Option.some(empty) }, []))).toBe(`--replay ${empty}: no records to replay`)
  }))
})
