/**
 * `cpppo enip client` and `get-attribute` in-process (test/cli/inProcess.ts): which CIP services
 * the controller answered for each option (its own request counters), the List* replies over TCP,
 * and where `-v`'s log lines go with `-l FILE`.
 */
import { Effect, Layer, Logger, LogLevel, ManagedRuntime } from "effect"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { EnipServer, Simulator, SimulatorLive } from "../../src/server/simulator.js"
import { runCpppo } from "./inProcess.js"

const runtime = ManagedRuntime.make(SimulatorLive({ host: "127.0.0.1", port: 0, udp: false, tags: ["X=INT[5]"] })
  .pipe(Layer.provide(Logger.minimumLogLevel(LogLevel.Warning))))
const test = (name: string, body: () => Effect.Effect<void, unknown, EnipServer | Simulator>) =>
  it(name, () => runtime.runPromise(body()))

/** Run `cpppo enip CMD -a …` and return what it printed and the services the controller answered (name → count). */
const served = (command: string, ...args: ReadonlyArray<string>) => Effect.gen(function* () {
  const { address } = yield* EnipServer
  const { stats } = yield* Simulator
  stats.requests.clear()
  const ran = yield* runCpppo("enip", command, "-a", `127.0.0.1:${address.port}`, ...args)
  const services = Object.fromEntries([...stats.requests].map(([name, byStatus]) => [name, [...byStatus.values()].reduce((a, b) => a + b, 0)]))
  return { ...ran, services }
})

describe("enip client: the services each option asks for", () => {
  afterAll(() => runtime.dispose())

  test("reads and writes are Read/Write Tag; -f makes them Fragmented; -m packs them into one Multiple Service Packet", () => Effect.gen(function* () {
    expect((yield* served("client", "X[0]=(INT)3", "X[0-2]")).services).toEqual({ WriteTag: 1, ReadTag: 1 })
    expect((yield* served("client", "-f", "X[0]=(INT)3", "X[0-2]")).services).toEqual({ WriteTagFragmented: 1, ReadTagFragmented: 1 })
    expect((yield* served("client", "-m", "X[0]", "X[1]")).services).toEqual({ MultipleServicePacket: 1 })
    expect((yield* served("client", "X[0]", "X[1]")).services).toEqual({ ReadTag: 2 })
  }))

  test("-c: Forward Open, the reads, Forward Close", () => Effect.gen(function* () {
    const r = yield* served("client", "-c", "-p", "X[0]")
    expect(r.services).toEqual({ ForwardOpen: 1, ReadTag: 1, ForwardClose: 1 })
    expect(r.out).toBe("                X[0][  0-0  ]+  0 == [3]: 'OK'\n")
  }))

  test("get-attribute -m: one Multiple Service Packet; without it one request each", () => Effect.gen(function* () {
    const packed = yield* served("get-attribute", "-m", "@1/1/1", "@1/1/7")
    expect(packed.services).toEqual({ MultipleServicePacket: 1 })
    expect(packed.out).toBe(
      "         @0x0001/1/1              == [1, 0]: 'OK'\n    Vendor ID                  1\n" +
      "         @0x0001/1/7              == [20, 49, 55, 53, 54, 45, 76, 54, 49, 47, 66, 32, 76, 79, 71, 73, 88, 53, 53, 54, 49]: 'OK'\n" +
      "    Product Name               1756-L61/B LOGIX5561\n")
    expect((yield* served("get-attribute", "@1/1/1", "@1/1/7")).services).toEqual({ GetAttributeSingle: 2 })
  }))

  test("-i, -s, -I over TCP: List Identity, List Services, List Interfaces, in that order", () => Effect.gen(function* () {
    const { address } = yield* EnipServer
    const at = `127.0.0.1:${address.port}`
    const identity = `ListIdentity from ${at}: 1 item\n  Product Name:   "1756-L61/B LOGIX5561"\n  Vendor ID:      1\n  Device Type:    14\n` +
      `  Product Code:   54\n  Revision:       20.11\n  Status:         0x3160\n  Serial Number:  0x006c061a\n  State:          255\n` +
      `  Socket Address: ${at}\n  Protocol:       1\n`
    const services = `ListServices from ${at}: 1 item\n  Service "Communications": version 1, capability 0x0020\n`
    const interfaces = `ListInterfaces from ${at}: 0 items\n`
    expect((yield* served("client", "-i")).out).toBe(identity)
    expect((yield* served("client", "-s")).out).toBe(services)
    expect((yield* served("client", "-I")).out).toBe(interfaces)
    expect(yield* served("client", "-I", "-s", "-i")).toMatchObject({ out: identity + services + interfaces, end: "ok", services: {} })
  }))

  test("-v adds the average line to -p's; -l FILE gets the log lines", () => Effect.gen(function* () {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cpppo-clientlog-"))
    try {
      const log = path.join(dir, "client.log")
      const r = yield* served("client", "-v", "-l", log, "-p", "X[0]")
      // The rate is right-aligned in 7 columns: below 100 TPS (a slow or loaded machine) more spaces lead.
      expect(r.out, JSON.stringify(r.out)).toMatch(/^ {16}X\[0\]\[ {2}0-0 {2}\]\+ {2}0 == \[3\]: 'OK'\nClient Tag I\/O Average +[\d.]+ TPS \( *[\d.]+s ea\)\.\n$/)
      expect(readFileSync(log, "utf8")).toMatch(/INFO +1 operations in 1 requests, 0 failed/)
      expect((yield* served("client", "-p", "X[0]")).out).not.toMatch(/Average/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }))
})
