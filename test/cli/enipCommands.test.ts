/**
 * `cpppo enip client`, `get-attribute` and `poll` run in-process (test/cli/inProcess.ts) against
 * a simulator on 127.0.0.1 port 0: what each prints, the exit status a failed operation sets, and
 * the options the handlers turn into the client's configuration (repeat, -m's packet size, route
 * and send paths, a class 3 connection, printing off).
 */
import { Effect, Layer, Logger, LogLevel, ManagedRuntime } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { EnipServer, SimulatorLive, TagStore } from "../../src/server/simulator.js"
import { runCpppo } from "./inProcess.js"

const simulator = SimulatorLive({ host: "127.0.0.1", port: 0, udp: false, tags: ["X=INT[5]", "Y=DINT"] })
  .pipe(Layer.provide(Logger.minimumLogLevel(LogLevel.Warning)))

/** `cpppo enip CMD -a 127.0.0.1:PORT ARGS…` against the test's simulator. */
const enip = (command: string, ...args: ReadonlyArray<string>) =>
  Effect.flatMap(EnipServer, ({ address }) => runCpppo("enip", command, "-a", `127.0.0.1:${address.port}`, ...args))

// One simulator for the file, its runtime made here rather than with @effect/vitest's `layer`:
// that one assigns its `effect`/`scoped` onto the shared `it`, so in a mutation run's single
// worker (vitest.mutate.small.config.ts) later test files' `it.scoped` lost their TestClock.
const runtime = ManagedRuntime.make(simulator)
const test = (name: string, body: () => Effect.Effect<void, unknown, EnipServer | TagStore>) =>
  it(name, () => runtime.runPromise(body()))

describe("enip commands in-process", () => {
  afterAll(() => runtime.dispose())

  test("client -p: one line per operation in cpppo's format; the values are in the controller", () => Effect.gen(function* () {
    expect(yield* enip("client", "-p", "X[0-2]=1,2,3", "X[0-2]")).toEqual({
      out: "                X[0][  0-2  ]+  0 <= [1, 2, 3]: 'OK'\n                X[0][  0-2  ]+  0 == [1, 2, 3]: 'OK'\n",
      end: "ok",
      exitCode: undefined
    })
    expect(yield* (yield* TagStore).read("X", 0, 4)).toEqual([1, 2, 3, 0])
  }))

  test("client: silent without -p; a failed operation sets exit status 1", () => Effect.gen(function* () {
    expect(yield* enip("client", "X[3]=9", "Nope")).toEqual({ out: "", end: "ok", exitCode: 1 })
    expect(yield* (yield* TagStore).read("X", 3, 1)).toEqual([9])
    expect(yield* enip("client", "X[3]")).toEqual({ out: "", end: "ok", exitCode: undefined })
  }))

  test("client -r 2 runs the operations twice; -m 20 takes 20 as the packet size, not a tag", () => Effect.gen(function* () {
    const twice = yield* enip("client", "-p", "-r", "2", "Y=(DINT)7", "Y")
    expect(twice.out.split("\n").filter((l) => l !== "")).toEqual([
      "                   Y              <= [7]: 'OK'", "                   Y              == [7]: 'OK'",
      "                   Y              <= [7]: 'OK'", "                   Y              == [7]: 'OK'"
    ])
    // 16 bytes is the smallest packet size taken (15 is a usage mistake: commandUsage.test.ts).
    expect(yield* enip("client", "-p", "-m", "16", "Y")).toEqual({ out: "                   Y              == [7]: 'OK'\n", end: "ok", exitCode: undefined })
    const packed = yield* enip("client", "-p", "-m", "20", "Y=(DINT)8", "Y", "X[0]")
    expect(packed).toEqual({
      out: "                   Y              <= [8]: 'OK'\n                   Y              == [8]: 'OK'\n                X[0][  0-0  ]+  0 == [1]: 'OK'\n",
      end: "ok",
      exitCode: undefined
    })
  }))

  test("client: --route-path none with --send-path '' (a simple device), -S, and routed over a class 3 connection", () => Effect.gen(function* () {
    yield* (yield* TagStore).write("Y", 0, [5])
    const line = "                   Y              == [5]: 'OK'\n"
    expect((yield* enip("client", "-p", "--route-path", "none", "--send-path", "", "Y")).out).toBe(line)
    expect((yield* enip("client", "-p", "--route-path", "false", "--send-path", "none", "Y")).out).toBe(line)
    expect((yield* enip("client", "-p", "-S", "Y")).out).toBe(line)
    expect((yield* enip("client", "-p", "--route-path", "1/0", "--send-path", "@6/1", "-c", "Y")).out).toBe(line)
    expect((yield* enip("client", "-p", "--route-path", "[{\"port\":1,\"link\":0}]", "--send-path", "@0x6/0x1", "Y")).out).toBe(line)
  }))

  test("client: the other spellings of no route path and of a send path (case, spaces, 0, without @, the largest class)", () => Effect.gen(function* () {
    yield* (yield* TagStore).write("Y", 0, [6])
    const line = { out: "                   Y              == [6]: 'OK'\n", end: "ok", exitCode: undefined }
    for (const route of ["0", "NONE", " None ", "False"]) {
      expect(yield* enip("client", "-p", "--route-path", route, "--send-path", "", "Y"), route).toEqual(line)
    }
    for (const send of ["FALSE", " none ", "6/1", " @6/1 ", "@0x06/1"]) {
      expect(yield* enip("client", "-p", "--send-path", send, "Y"), send).toEqual(line)
    }
    // The largest class and instance a send path takes: not a usage mistake (the simulator refuses them).
    const largest = yield* enip("client", "-p", "--send-path", "@65535/4294967295", "Y")
    expect(largest.end).toBe("ok")
    expect(largest.exitCode).toBe(1)
  }))

  test("client --list-tags: the controller's tags", () => Effect.gen(function* () {
    expect((yield* enip("client", "-p", "--list-tags")).out).toBe("X                                INT[5]  (instance 1)\nY                                DINT  (instance 2)\n")
  }))

  test("get-attribute prints the value and its decoded field; --no-print prints nothing", () => Effect.gen(function* () {
    expect((yield* enip("get-attribute", "@1/1/7")).out).toBe(
      "         @0x0001/1/7              == [20, 49, 55, 53, 54, 45, 76, 54, 49, 47, 66, 32, 76, 79, 71, 73, 88, 53, 53, 54, 49]: 'OK'\n" +
      "    Product Name               1756-L61/B LOGIX5561\n")
    expect(yield* enip("get-attribute", "--no-print", "@1/1/7")).toEqual({ out: "", end: "ok", exitCode: undefined })
    expect(yield* enip("get-attribute", "--no-print", "@1/1/99")).toMatchObject({ out: "", exitCode: 1 })
  }))

  test("poll --duration: the changes, then the summary; -q only the summary", () => Effect.gen(function* () {
    yield* (yield* TagStore).write("Y", 0, [0])
    const r = yield* enip("poll", "--duration", "0.25", "-R", "0.1", "Y", "X[1-2]")
    const lines = r.out.split("\n")
    expect(lines.slice(0, 2)).toEqual(["                   Y == [0]: 'OK'", "              X[1-2] == [2, 3]: 'OK'"])
    expect(lines[2]).toMatch(/^Poll summary: \d+ polls in [\d.]+ s .* 0 errors, 1 connects, 0 gaps/)
    expect(r.end).toBe("ok")
    const q = yield* enip("poll", "--duration", "0.25", "-R", "0.1", "-q", "-m", "-c", "--route-path", "none", "-S", "Y")
    expect(q.out).toMatch(/^Poll summary: \d+ polls in [\d.]+ s .* 1 changes, 0 errors, 1 connects, 0 gaps[^\n]*\n$/)
    // Nothing listens on port 1: no poll answered, the summary names the last error, exit status 1.
    const none = yield* runCpppo("enip", "poll", "-a", "127.0.0.1:1", "--duration", "0.2", "Y")
    expect(none.out.split("\n")).toEqual([
      "                   Y == None: 'gap: cannot connect to 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1'",
      expect.stringMatching(/^Poll summary: 0 polls in [\d.]+ s \(0\.00\/s\), 0 reads, 0 values \(0\.0\/s\), 1 changes, 0 errors, 0 connects, 1 gaps \([\d.]+ s\), 0 missed; poll ms min\/p50\/p99\/max 0\.0\/0\.0\/0\.0\/0\.0; last error: cannot connect to 127\.0\.0\.1:1: connect ECONNREFUSED 127\.0\.0\.1:1$/),
      ""])
    expect(none.exitCode).toBe(1)
  }))
})
