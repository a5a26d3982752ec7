/**
 * The defaults the README gives for each command, read from the CLI's parsed config: the command
 * line goes through the argv check and @effect/cli exactly as `cpppo` parses it, and the config
 * the command's handler would get is compared with the README's numbers. Options whose default
 * is the running server's (`--max-sessions` 2048, `--idle-timeout` 120, `-s` 65559, …) parse to
 * "not given" here, and are held by behaviour tests (see the README's claim table).
 */
import { CommandDescriptor } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option } from "effect"
import { readFileSync } from "node:fs"
import { prepare } from "../../src/cli/argv.js"
import { CLI_CONFIG, tree } from "../../src/cli/main.js"

/** The config a command's handler gets for `cpppo ARGS…` (Options as their value or undefined). */
const parsed = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const checked = prepare(tree, args)
    if (Either.isLeft(checked) || checked.right._tag !== "Run") throw new Error(`not a run: ${args.join(" ")}`)
    const directive = yield* CommandDescriptor.parse((tree.command as unknown as { descriptor: CommandDescriptor.Command<unknown> }).descriptor, ["cpppo", ...checked.right.argv], CLI_CONFIG)
    if (directive._tag !== "UserDefined") throw new Error("built-in directive")
    // Groups nest as { subcommand: Option<[parent, child config]> } down to the leaf's config.
    let value = directive.value as Record<string, unknown>
    while ("subcommand" in value) value = (Option.getOrThrow(value.subcommand as Option.Option<[unknown, Record<string, unknown>]>))[1]
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Option.isOption(v) ? Option.getOrUndefined(v) : v]))
  }).pipe(Effect.provide(NodeContext.layer))

describe("defaults from the parsed command line", () => {
  it.effect("enip server (and historize): listen on :44818, TCP and UDP, no printing; bridge unit 1, rate 1 s, timeout 1 s, big word order; signals every 0.1 s; replay speed 1", () =>
    Effect.gen(function* () {
      for (const args of [["enip", "server", "X"], ["enip", "historize", "f.hst", "X"]]) {
        const o = yield* parsed(args)
        expect(o).toMatchObject({
          address: ":44818", addressOutput: false, print: false, noUdp: false, noTcp: false, simple: false, noConfig: false,
          modbusUnit: 1, modbusRate: 1, modbusTimeout: 1, wordOrder: "big", signalRate: 0.1, paused: false, speed: 1, loop: false
        })
        // Not given: the controller's own defaults apply (held by behaviour tests).
        for (const k of ["delay", "size", "routePath", "maxSessions", "maxSessionsPerPeer", "idle", "vendor", "serial", "web", "webToken"]) expect(o[k], k).toBeUndefined()
      }
    }))

  it.effect("enip fleet: named plc, at :44818, signals every 0.1 s", () =>
    Effect.gen(function* () {
      const o = yield* parsed(["enip", "fleet", "X"])
      expect(o).toMatchObject({ name: "plc", address: ":44818", signalRate: 0.1, list: false, print: false })
      expect(o.count).toBeUndefined() // one controller (held by test/cli/enipServerFlags.test.ts)
      expect("replay" in o).toBe(false)
      expect("modbus" in o).toBe(false)
    }))

  it.effect("enip client and get-attribute: timeout 5 s, depth 1, repeat 1; address and routing defaults left to the handler and client (localhost:44818 or with -b 255.255.255.255, 1/0, @6/1, 5 × 157)", () =>
    Effect.gen(function* () {
      const c = yield* parsed(["enip", "client", "X"])
      // Not given: the handler picks localhost:44818, or 255.255.255.255 with -b (test/cli/clientCommands.test.ts).
      expect(c.address).toBeUndefined()
      expect(c).toMatchObject({ timeout: 5, depth: 1, repeat: 1, multiple: false, fragment: false, connected: false, print: false, simple: false })
      for (const k of ["routePath", "sendPath", "priorityTimeTick", "timeoutTicks"]) expect(c[k], k).toBeUndefined()
      const g = yield* parsed(["enip", "get-attribute", "@1/1"])
      expect(g).toMatchObject({ timeout: 5, depth: 1, multiple: false })
      expect(g.address).toBeUndefined()
    }))

  it.effect("enip poll: localhost:44818, every 1 s, depth 1, timeout 5 s, until Ctrl-C", () =>
    Effect.gen(function* () {
      const o = yield* parsed(["enip", "poll", "X"])
      expect(o).toMatchObject({ address: "localhost:44818", rate: 1, depth: 1, timeout: 5, multiple: false, connected: false, quiet: false })
      expect(o.duration).toBeUndefined()
    }))

  it.effect("modbus server :502; modbus poll localhost:502, unit 1, every 1 s, reach 1, timeout 1 s, depth 1", () =>
    Effect.gen(function* () {
      expect(yield* parsed(["modbus", "server", "40001=1"])).toMatchObject({ address: ":502", print: false })
      expect(yield* parsed(["modbus", "poll", "40001"])).toMatchObject({ address: "localhost:502", unit: 1, rate: 1, reach: 1, timeout: 1, depth: 1 })
    }))

  it.effect("history: zones from CA,US,EU; play at speed 1; plot 960 × 480", () =>
    Effect.gen(function* () {
      expect(yield* parsed(["history", "cat", "f.hst"])).toMatchObject({ region: "CA,US,EU" })
      expect(yield* parsed(["history", "play", "f.hst"])).toMatchObject({ region: "CA,US,EU", speed: "1" })
      const plot = yield* parsed(["history", "plot", "f.hst"])
      expect(plot).toMatchObject({ region: "CA,US,EU", width: 960, height: 480 })
      for (const k of ["tags", "output", "title", "since", "until", "tz"]) expect(plot[k], k).toBeUndefined()
    }))

  it.effect("npm start: enip server -v SCADA=INT[1000] on :44818, TCP and UDP (the Quick start)", () =>
    Effect.gen(function* () {
      const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> }
      const words = pkg.scripts.start!.split(/\s+/)
      expect(words.slice(0, 2)).toEqual(["node", "dist/cli/bin.js"])
      const o = yield* parsed(words.slice(2))
      expect(o).toMatchObject({ address: ":44818", noUdp: false, noTcp: false, verbosity: 1, tags: ["SCADA=INT[1000]"] })
    }))
})
