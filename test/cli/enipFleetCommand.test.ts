/**
 * `cpppo enip fleet` run in-process (test/cli/inProcess.ts), so mutation testing sees
 * src/cli/enipFleet.ts and src/cli/fleet.ts: the controller options refused with --config (each
 * named), fleet-file mistakes in command-line words, the command-line options reaching every
 * controller (identity read back, delay, route path, -S, -U, the signal rate and --paused), the web
 * API's address and history files, the log lines, a fleet ending when its controllers are done,
 * an address in use, and the history file name of each controller (historyPathFor); runFleet with
 * only its controllers, and with a Modbus device's recorder and no printer.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Deferred, Effect, Either, Logger, LogLevel } from "effect"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { historyPathFor, runFleet } from "../../src/cli/fleet.js"
import { parseFleetConfig } from "../../src/server/fleetConfig.js"
import { connectModbus } from "../../src/modbus/client.js"
import { historyOf } from "../replay/history.js"
import { logWith, runCpppo, serveCpppo, usageOf } from "./inProcess.js"

const addressOf = (line: string) => line.split(" ")[1]!

/** A temporary directory, removed when the test's scope closes. */
const tempDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "cpppo-fleet-cmd-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

/** GET a JSON document of the web API. */
const json = (web: string, path: string) =>
  Effect.promise(() => fetch(`http://${web}${path}`, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(10_000) })
    .then(async (r) => ({ status: r.status, body: await r.json() as any })))

/** `get-attribute @1/1`'s Identity fields by name. */
const identity = (address: string, ...options: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const r = yield* runCpppo("enip", "get-attribute", "-a", address, ...options, "@1/1")
    expect(r.end).toBe("ok")
    const field = (name: string) => r.out.split("\n").find((l) => l.startsWith(`    ${name} `))?.slice(4 + 27)
    return Object.fromEntries(["Vendor ID", "Device Type", "Product Code", "Revision", "Serial Number", "Product Name"].map((n) => [n, field(n)]))
  })


const table = (rows: ReadonlyArray<readonly [ReadonlyArray<string>, string]>) =>
  Effect.gen(function* () {
    for (const [args, message] of rows) expect(yield* usageOf("enip", "fleet", ...args), args.join(" ")).toBe(message)
  })

describe("enip fleet --config: controller options belong in the file", () => {
  it.effect("every controller option given is named, in order; the defaults given explicitly are not", () => Effect.gen(function* () {
    const all = ["--udt", "M{A:INT}", "--signal", "X=1", "--count", "2", "--address", "127.0.0.1:0", "-d", "0.1", "--route-path", "1/3", "-S", "-U", "-T",
      "--idle-timeout", "5", "--max-sessions", "9", "-s", "100", "--vendor", "7", "--device-type", "12", "--product-code", "99",
      "--product-name", "P", "--serial", "5", "--revision", "3.4", "--name", "line", "X=INT"]
    yield* table([
      [["--config", "/nonexistent.yaml", ...all],
        "TAG…, --udt, --signal, --count, --address, --delay, --route-path, --simple, --no-udp, --no-tcp, --idle-timeout, --max-sessions, --size, " +
        "--vendor, --device-type, --product-code, --product-name, --serial, --revision, --name: with --config, controller options go in the file (its defaults: or entries)"],
      // Given as their defaults, --address and --name are no mistake: the file is read.
      [["--config", "/nonexistent.yaml", "-a", ":44818", "--name", "plc"],
        "cannot read fleet file /nonexistent.yaml: ENOENT: no such file or directory, open '/nonexistent.yaml'"]
    ])
  }))

  it.scoped("a file that is not YAML, or has a bad entry: the file's name and the parser's words; a good one is listed", () => Effect.gen(function* () {
    const dir = yield* tempDir
    const bad = join(dir, "bad.yaml")
    writeFileSync(bad, "controllers: [\n")
    const wrong = join(dir, "wrong.json")
    writeFileSync(wrong, JSON.stringify({ controllers: [{ name: "a", tags: ["X=INT"] }, { name: "b", identity: { vendor: "lots" }, tags: ["X=INT"] }] }))
    const good = join(dir, "good.yaml")
    writeFileSync(good, "defaults:\n  tags: [X=INT]\ncontrollers:\n  - name: a\n    address: 127.0.3.1:44818\n  - name: 'b{n}'\n    count: 3\n    address: 127.0.3.5:2222\n")
    expect(yield* usageOf("enip", "fleet", "-c", bad)).toMatch(new RegExp(`^${bad}: not valid YAML`))
    expect(yield* usageOf("enip", "fleet", "-c", wrong)).toBe(`${wrong}: controllers[1] (b): identity.vendor: expected a vendor id (an integer 0..65535), got "lots"`)
    expect(yield* runCpppo("enip", "fleet", "-c", good, "--list"))
      .toEqual({ out: "a 127.0.3.1:44818\nb1 127.0.3.5:2222\nb2 127.0.3.6:2222\nb3 127.0.3.7:2222\n", end: "ok", exitCode: undefined })
    expect((yield* runCpppo("enip", "fleet", "-c", good, "--list", "--shard", "pod-1/2")).out).toBe("b2 127.0.3.6:2222\nb3 127.0.3.7:2222\n")
  }))
})

describe("enip fleet: a command-line controller's mistakes in command-line words", () => {
  it.effect("--name, tag specs, structures, identity options, signals", () => Effect.gen(function* () {
    const tags = Array.from({ length: 10 }, (_, i) => `T${i}=INT`)
    yield* table([
      [["--name", "bad name", "X=INT"], '--name: "bad name1" is not a usable name (letters, digits, "_", "-", "." up to 64; not api, events, healthz, metrics, favicon.ico)'],
      [["X=FOO"], 'bad tag spec "X=FOO": unknown type "FOO" (one of BOOL SINT INT DINT LINT USINT UINT UDINT ULINT REAL LREAL SSTRING STRING, or a structure declared with --udt)'],
      // The eleventh tag (tags[10]): the entry's index is dropped too.
      [[...tags, "X=FOO"], 'bad tag spec "X=FOO": unknown type "FOO" (one of BOOL SINT INT DINT LINT USINT UINT UDINT ULINT REAL LREAL SSTRING STRING, or a structure declared with --udt)'],
      [["--udt", "M{A:FLOAT}", "X=INT"], "bad structure M: member A has unknown type FLOAT (an atomic type, STRING, or a structure declared before M)"],
      [["--revision", "300.1", "X=INT"], '--revision: expected MAJOR.MINOR with each 0..255, got "300.1"'],
      [["--serial", "zz", "X=INT"], '--serial: expected a serial number 0..0xFFFFFFFF, got "zz"'],
      [["--product-name", "x".repeat(33), "X=INT"], `--product-name: expected a product name (text of at most 32 characters), got "${"x".repeat(33)}"`],
      [["--signal", "X=sin(", "X=INT"], 'bad signal "X=sin(": expected a value, found the end at position 7'],
      [["--udt", "Bad", "X=INT"], 'bad structure definition "Bad": expected NAME{Member:TYPE[n],…}'],
      // As enip server words them (the fleet file names its fields: tcp, delay, routePath, address).
      [["-T", "-U", "X=INT"], "-T/--no-tcp with -U/--no-udp leaves nothing to serve"],
      [["-d", "zz", "X=INT"], '-d/--delay: expected seconds like 0.5 or a range like "0.1-0.9", got "zz"'],
      [["--route-path", "zz", "X=INT"], '--route-path: invalid route path "zz": route path needs port/link pairs: zz'],
      [["-a", "1.2.3.4:x", "X=INT"], '-a/--address: invalid address "1.2.3.4:x": port must be a number']
    ])
  }))

  it.effect("--paused with --signal (or a file's signals:) is taken", () => Effect.gen(function* () {
    expect(yield* runCpppo("enip", "fleet", "--list", "--paused", "--signal", "X=1", "-a", "127.0.0.1:9", "X=INT"))
      .toEqual({ out: "plc1 127.0.0.1:9\n", end: "ok", exitCode: undefined })
  }))

  it.scoped("--paused with a fleet file: taken when an entry has signals:, refused when none has", () => Effect.gen(function* () {
    const dir = yield* tempDir
    const withSignals = join(dir, "s.yaml")
    writeFileSync(withSignals, "controllers:\n  - name: a\n    address: 127.0.0.1:9\n    tags: [X=INT]\n  - name: b\n    address: 127.0.0.2:9\n    tags: [X=INT]\n    signals: [X=1]\n")
    const without = join(dir, "n.yaml")
    writeFileSync(without, "controllers:\n  - name: a\n    address: 127.0.0.1:9\n    tags: [X=INT]\n")
    expect((yield* runCpppo("enip", "fleet", "-c", withSignals, "--paused", "--list")).out).toBe("a 127.0.0.1:9\nb 127.0.0.2:9\n")
    expect(yield* usageOf("enip", "fleet", "-c", without, "--paused", "--list")).toBe("--paused goes with --signal (or signals: in the fleet file)")
  }))
})

describe("enip fleet: the command-line options reach every controller", () => {
  it.live("identity options (serials counted on), -d, --route-path read back from the second controller", () => Effect.gen(function* () {
    const s = yield* serveCpppo("enip", "fleet", "-n", "2", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", "-d", "0.05", "--route-path", "1/3",
      "--vendor", "7", "--device-type", "12", "--product-code", "99", "--product-name", "Line 3 PLC", "--serial", "0x10", "--revision", "3.4", "X=INT")
    const [, two, web] = yield* s.lines(3)
    const plc2 = addressOf(two!)
    expect(plc2).toMatch(/^127\.0\.0\.2:\d+$/)
    expect(yield* identity(plc2, "--route-path", "1/3")).toEqual({
      "Vendor ID": "7", "Device Type": "12", "Product Code": "99", "Revision": "3.4", "Serial Number": "0x00000012", "Product Name": "Line 3 PLC"
    })
    expect((yield* json(addressOf(web!), "/plc2/api/options")).body.data.options.delay).toEqual({ value: 0.05, range: null })
    // Routed 1/0 (the client's default): refused; routed 1/3: served.
    const wrong = yield* runCpppo("enip", "client", "-a", plc2, "-p", "-t", "5", "X")
    const right = yield* runCpppo("enip", "client", "-a", plc2, "-p", "-t", "5", "--route-path", "1/3", "X")
    expect([wrong.exitCode, right.exitCode]).toEqual([1, undefined])
    expect(right.out).toMatch(/X\s+== \[0\]: 'OK'/)
  }).pipe(Effect.scoped))

  it.live("-S: a routed request refused, an unrouted one served; -U: no ListIdentity on UDP (answered without -U)", () => Effect.gen(function* () {
    const simple = yield* serveCpppo("enip", "fleet", "-a", "127.0.0.1:0", "-A", "-S", "-U", "X=INT")
    const plain = yield* serveCpppo("enip", "fleet", "-a", "127.0.0.1:0", "-A", "X=INT")
    const at = addressOf((yield* simple.lines(1))[0]!)
    const plainAt = addressOf((yield* plain.lines(1))[0]!)
    const routed = yield* runCpppo("enip", "client", "-a", at, "-p", "-t", "5", "X")
    const unrouted = yield* runCpppo("enip", "client", "-a", at, "-p", "-t", "5", "-S", "X")
    expect([routed.exitCode, unrouted.exitCode]).toEqual([1, undefined])
    const none = yield* runCpppo("enip", "client", "-a", at, "-u", "-i", "-t", "1")
    const some = yield* runCpppo("enip", "client", "-a", plainAt, "-u", "-i", "-t", "5")
    expect(some.out).toContain("1756-L61/B LOGIX5561")
    expect(none.out).not.toContain("1756-L61/B LOGIX5561")
  }).pipe(Effect.scoped))

  it.live("--paused: the signals are served stopped (enabled false) and their first value is in; without it they run", () => Effect.gen(function* () {
    const paused = yield* serveCpppo("enip", "fleet", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", "--paused", "--signal", "X=7", "X=INT")
    const running = yield* serveCpppo("enip", "fleet", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", "--signal", "X=7", "X=INT")
    const signalsOf = (s: typeof paused) => Effect.flatMap(s.lines(2), ([, web]) => json(addressOf(web!), "/plc1/api/options"))
    const [p, r] = [(yield* signalsOf(paused)).body.data.options.signals, (yield* signalsOf(running)).body.data.options.signals]
    expect([p.enabled, p.signals, r.enabled, r.signals]).toEqual([false, ["X = 7"], true, ["X = 7"]])
  }).pipe(Effect.scoped))

  it.live("--signal-rate 3600: the signal time stays where it started; at the default 0.1 s it moves", () => Effect.gen(function* () {
    const slow = yield* serveCpppo("enip", "fleet", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", "--signal-rate", "3600", "--signal", "X=7", "X=INT")
    const fast = yield* serveCpppo("enip", "fleet", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", "--signal", "X=7", "X=INT")
    const timeOf = (s: typeof slow) => Effect.flatMap(s.lines(2), ([, web]) => json(addressOf(web!), "/plc1/api/options")).pipe(
      Effect.map((r) => r.body.data.options.signals.time as number))
    const before = [yield* timeOf(slow), yield* timeOf(fast)]
    yield* Effect.sleep("600 millis")
    const after = [yield* timeOf(slow), yield* timeOf(fast)]
    expect(after[0]).toBe(before[0])
    expect(after[1]).toBeGreaterThan(before[1]!)
  }).pipe(Effect.scoped))
})

describe("enip fleet: the web API, history files, the log, the end", () => {
  it.live("-w :PORT takes -a's interface (every interface, 0.0.0.0, when -a names none); with --config every interface", () => Effect.gen(function* () {
    const dir = yield* tempDir
    const file = join(dir, "f.yaml")
    writeFileSync(file, "controllers:\n  - name: a\n    address: 127.0.0.1:0\n    tags: [X=INT]\n")
    const cli = yield* serveCpppo("enip", "fleet", "-a", "127.0.0.1:0", "-A", "-w", ":0", "X=INT")
    const cfg = yield* serveCpppo("enip", "fleet", "-c", file, "-A", "-w", ":0")
    expect((yield* cli.lines(2))[1]).toMatch(/^web 127\.0\.0\.1:\d+$/)
    const anyInterface = yield* serveCpppo("enip", "fleet", "-a", ":0", "-A", "-w", ":0", "X=INT")
    expect(yield* anyInterface.lines(2)).toEqual([expect.stringMatching(/^plc1 0\.0\.0\.0:\d+$/), expect.stringMatching(/^web 0\.0\.0\.0:\d+$/)])
    expect((yield* cfg.lines(2))).toEqual([expect.stringMatching(/^a 127\.0\.0\.1:\d+$/), expect.stringMatching(/^web 0\.0\.0\.0:\d+$/)])
  }).pipe(Effect.scoped))

  it.live("--historize and --web-history: each controller's own file first, then the directory's", () => Effect.gen(function* () {
    const dir = yield* tempDir
    mkdirSync(join(dir, "own"))
    mkdirSync(join(dir, "old"))
    writeFileSync(join(dir, "old", "last-week.jsonl"), "")
    const s = yield* serveCpppo("enip", "fleet", "-n", "2", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", "-v", "-l", join(dir, "fleet.log"),
      "--historize", join(dir, "own", "h.jsonl"), "--web-history", join(dir, "old"), "X=INT")
    const web = addressOf((yield* s.lines(3))[2]!)
    // Two EtherNet/IP controllers: the fleet's line, without a Modbus count.
    expect(yield* logWith(join(dir, "fleet.log"), "fleet of")).toMatch(/INFO +fleet of 2 controllers listening \(built and started in \d+ ms\)\n/)
    expect((yield* json(web, "/plc2/history/files")).body).toEqual({ files: ["h-plc2.jsonl", "last-week.jsonl"] })
    expect((yield* json(web, "/plc1/history/files")).body).toEqual({ files: ["h-plc1.jsonl", "last-week.jsonl"] })
  }).pipe(Effect.scoped))

  it.live("-v -l FILE: the fleet's line (how many controllers, how many Modbus/TCP); done on every controller ends it", () => Effect.gen(function* () {
    const dir = yield* tempDir
    const file = join(dir, "plant.yaml")
    writeFileSync(file, [
      "controllers:", "  - name: plc", "    address: 127.0.0.1:0", "    tags: [X=INT]",
      "  - name: 'pump{n}'", "    kind: modbus", "    count: 2", "    address: 127.0.0.2:0", "    registers: ['40001-40004=0']", ""
    ].join("\n"))
    const log = join(dir, "fleet.log")
    const started = performance.now()
    const s = yield* serveCpppo("enip", "fleet", "-c", file, "-A", "-p", "-w", "127.0.0.1:0", "-v", "-l", log, "--historize", join(dir, "h.jsonl"))
    const lines = yield* s.lines(4)
    const elapsed = performance.now() - started
    expect(lines.slice(0, 3)).toEqual([expect.stringMatching(/^plc 127\.0\.0\.1:\d+$/), expect.stringMatching(/^pump1 127\.0\.0\.2:\d+$/), expect.stringMatching(/^pump2 127\.0\.0\.3:\d+$/)])
    const web = addressOf(lines[3]!)
    // -p: a Modbus device's write printed under its name, as `cpppo modbus server -p` prints it;
    // --historize: each device has its own history file, recording the write.
    const pump2 = addressOf(lines[2]!)
    const written = yield* Effect.scoped(Effect.flatMap(connectModbus({ host: "127.0.0.3", port: Number(pump2.split(":")[1]), timeout: 5000 }),
      (m) => m.request(1, { fc: 6, address: 2, value: 4321 })))
    expect(written._tag).toBe("Written")
    expect((yield* s.lines(5))[4]).toMatch(/^pump2: .*40003.*4321/)
    expect((yield* json(web, "/pump2/history/files")).body).toEqual({ files: ["h-pump2.jsonl"] })
    for (const n of ["plc", "pump1", "pump2"]) expect((yield* json(web, `/${n}/api/server/control/done=true`)).body.command.success).toBe(true)
    // Every controller done: the command ends on its own; its last log line says so.
    const text = yield* logWith(log, "done:")
    const [, ms] = /INFO +fleet of 3 controllers \(2 Modbus\/TCP\) listening \(built and started in (\d+) ms\)\n/.exec(text) ?? []
    // The time it took, as measured around the command here: no more than that.
    expect(Number(ms)).toBeLessThanOrEqual(Math.ceil(elapsed))
    expect(readFileSync(join(dir, "h-pump2.jsonl"), "utf8")).toContain("4321")
    expect(text).toMatch(/INFO +done: every controller stopped\n$/)
  }).pipe(Effect.scoped))

  it.live("one controller: no fleet line; done ends it with 'done: shutting down'", () => Effect.gen(function* () {
    const dir = yield* tempDir
    const log = join(dir, "one.log")
    const s = yield* serveCpppo("enip", "fleet", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", "-v", "-l", log, "X=INT")
    const web = addressOf((yield* s.lines(2))[1]!)
    expect((yield* json(web, "/plc1/api/server/control/done=true")).body.command.success).toBe(true)
    const text = yield* logWith(log, "done:")
    expect(text).toMatch(/INFO +done: shutting down\n$/)
    expect(text).not.toMatch(/fleet of/)
  }).pipe(Effect.scoped))

  it.live("an address in use: the command fails naming the controller and the address", () => Effect.gen(function* () {
    const s = yield* serveCpppo("enip", "fleet", "-a", "127.0.0.1:0", "-A", "X=INT")
    const at = addressOf((yield* s.lines(1))[0]!)
    const again = yield* runCpppo("enip", "fleet", "-a", at, "X=INT")
    expect(again.end).toBe(`failed: Error: plc1 (${at}): cannot listen on ${at}: listen EADDRINUSE: address already in use ${at}`)
  }).pipe(Effect.scoped))
})

describe("enip server (a fleet of one, through runFleet): --replay", () => {
  it.live("the history's values are played into the tag; the web API shows the replay", () => Effect.gen(function* () {
    const file = yield* historyOf([[0, ["Level", [0, 0]], { read: [1.5], type: "REAL" }], [3600, ["Level", [0, 0]], { read: [2.5] }]])
    yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(join(file, ".."), { recursive: true, force: true })))
    const s = yield* serveCpppo("enip", "server", "--no-config", "-a", "127.0.0.1:0", "-A", "-w", "127.0.0.1:0", "--replay", file, "Level=REAL")
    const [tcp, web] = yield* s.lines(2)
    // The first record is played in once the replay starts (a client may read 0.0 before that).
    let read = ""
    for (let i = 0; i < 100 && !/== \[1\.5\]/.test(read); i++) {
      if (i > 0) yield* Effect.sleep("50 millis")
      read = (yield* runCpppo("enip", "client", "-a", tcp!, "-p", "-t", "5", "Level")).out
    }
    expect(read).toMatch(/Level\s+== \[1\.5\]: 'OK'/)
    const replay = (yield* json(addressOf(web!), "/api/options")).body.data.options.replay
    expect(replay).toMatchObject({ paused: false, loop: false, finished: false, speed: 1 })
  }).pipe(Effect.scoped))
})

describe("runFleet with a web API and no history access given", () => {
  it.live("each controller's web API offers its own history file (historyFile); empty signal specs start no generators; no -p, writes served", () => Effect.gen(function* () {
    const dir = yield* tempDir
    const controllers = Either.getOrThrow(parseFleetConfig("controllers:\n  - name: a\n    address: 127.0.0.1:0\n    tags: [X=INT]\n", "yaml"))
    const listening = yield* Deferred.make<readonly [string, string]>()
    yield* Effect.forkScoped(runFleet({ controllers, web: { host: "127.0.0.1", port: 0 }, historyFile: (n) => join(dir, `${n}-history.jsonl`), signals: () => ({ specs: [] }) }, {
      onListening: ({ controllers: [a], web }) => Deferred.succeed(listening, [`${a!.tcp.host}:${a!.tcp.port}`, `${web!.host}:${web!.port}`] as const)
    }))
    const [tcp, web] = yield* Deferred.await(listening).pipe(Effect.timeout("20 seconds"))
    expect((yield* json(web, "/a/history/files")).body).toEqual({ files: ["a-history.jsonl"] })
    expect(Object.keys((yield* json(web, "/a/api/options")).body.data.options)).toEqual(["delay"])
    const rw = yield* runCpppo("enip", "client", "-a", tcp, "-p", "-t", "5", "X=(INT)4", "X")
    expect(rw.out).toMatch(/X\s+== \[4\]: 'OK'/)
    expect(yield* logWith(join(dir, "a-history.jsonl"), "[4]")).toContain("[4]")
  }).pipe(Effect.scoped))
})

describe("runFleet with only its controllers (no signals, replay, history, web or limits given)", () => {
  it.live("the controllers start and serve; the one listening hook has no web address", () => Effect.gen(function* () {
    const controllers = Either.getOrThrow(parseFleetConfig("controllers:\n  - name: a\n    address: 127.0.0.1:0\n    tags: [X=INT]\n  - name: b\n    address: 127.0.0.2:0\n    tags: [Y=DINT]\n", "yaml"))
    const listening = yield* Deferred.make<{ readonly names: ReadonlyArray<string>; readonly b: string; readonly web: unknown }>()
    yield* Effect.forkScoped(runFleet({ controllers }, {
      onListening: ({ controllers: cs, web }) => Deferred.succeed(listening, { names: cs.map((c) => c.name), b: `${cs[1]!.tcp.host}:${cs[1]!.tcp.port}`, web })
    }))
    const got = yield* Deferred.await(listening).pipe(Effect.timeout("20 seconds"))
    expect([got.names, got.web]).toEqual([["a", "b"], undefined])
    const rw = yield* runCpppo("enip", "client", "-a", got.b, "-p", "-t", "5", "Y=(DINT)70000", "Y")
    expect(rw.out).toMatch(/Y\s+== \[70000\]: 'OK'/)
  }).pipe(Effect.scoped))
})

describe("runFleet with a Modbus device, no -p", () => {
  it.live("its history recorder reaches the web API (a file that cannot be written is the device's alarm); no printer runs on its writes", () => Effect.gen(function* () {
    const logged: Array<string> = []
    const capture = Logger.replace(Logger.defaultLogger, Logger.make(({ message, cause }) => {
      logged.push(`${(Array.isArray(message) ? message : [message]).join(" ")}${Cause.isEmpty(cause) ? "" : ` ${Cause.pretty(cause)}`}`)
    }))
    const controllers = Either.getOrThrow(parseFleetConfig([
      "controllers:", "  - name: plc", "    address: 127.0.0.1:0", "    tags: [X=INT]",
      "  - name: pump", "    kind: modbus", "    address: 127.0.0.1:0", "    registers: ['40001-40004=0']", ""
    ].join("\n"), "yaml"))
    const listening = yield* Deferred.make<readonly [number, string]>()
    // /dev/full opens, and every write to it fails (ENOSPC).
    const fiber = yield* Effect.forkScoped(runFleet({ controllers, web: { host: "127.0.0.1", port: 0 }, historyFile: (n) => n === "pump" ? "/dev/full" : undefined }, {
      onListening: ({ controllers: cs, web }) => Deferred.succeed(listening, [cs[1]!.tcp.port, `${web!.host}:${web!.port}`] as const)
    }).pipe(Effect.provide(capture), Effect.provide(Logger.minimumLogLevel(LogLevel.All))))
    const [pump, web] = yield* Deferred.await(listening).pipe(Effect.timeout("20 seconds"))
    expect((yield* json(web, "/pump/api/server")).body.alarm).toEqual([])
    const written = yield* Effect.scoped(Effect.flatMap(connectModbus({ host: "127.0.0.1", port: pump, timeout: 5000 }),
      (m) => m.request(1, { fc: 6, address: 2, value: 4321 })))
    expect(written._tag).toBe("Written")
    let alarm: ReadonlyArray<string> = []
    for (let i = 0; i < 100 && alarm.length === 0; i++) {
      if (i > 0) yield* Effect.sleep("50 millis")
      alarm = (yield* json(web, "/pump/api/server")).body.alarm
    }
    expect(alarm).toEqual([expect.stringMatching(/^history: cannot write the file \(ENOSPC: no space left on device, write\); \d+ records waiting$/)])
    expect((yield* json(web, "/plc/api/server")).body.alarm).toEqual([])
    expect(fiber.unsafePoll()).toBeNull()
    expect(logged.filter((l) => /unhandled|TypeError/.test(l))).toEqual([])
  }).pipe(Effect.scoped))
})

describe("historyPathFor: each controller's history file", () => {
  it("NAME before the first extension, {name} replaced where it is, a leading dot kept", () => {
    expect(historyPathFor("/var/h/hist.jsonl", "plc1")).toBe("/var/h/hist-plc1.jsonl")
    expect(historyPathFor("/var/h/hist.jsonl.gz", "plc1")).toBe("/var/h/hist-plc1.jsonl.gz")
    expect(historyPathFor("/var/h/hist", "plc1")).toBe("/var/h/hist-plc1")
    expect(historyPathFor("/var/h/.hist", "plc1")).toBe("/var/h/.hist-plc1")
    expect(historyPathFor("/var/h/.hist.jsonl", "plc1")).toBe("/var/h/.hist-plc1.jsonl")
    expect(historyPathFor("rel/hist.jsonl", "b")).toBe("rel/hist-b.jsonl")
    expect(historyPathFor("/var/{name}/h-{name}.jsonl", "plc2")).toBe("/var/plc2/h-plc2.jsonl")
    expect(historyPathFor("/var/h.d/hist", "a")).toBe("/var/h.d/hist-a")
  })
})
