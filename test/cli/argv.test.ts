/**
 * The argv check (src/cli/argv.ts) in-process: what @effect/cli is handed for each way of writing
 * options, and the CliConfig it parses with (case-sensitive).
 */
import { CliConfig, Command, Options } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Console, Effect, Either } from "effect"
import { prepare } from "../../src/cli/argv.js"
import { cliConfig, tree } from "../../src/cli/main.js"
import { arg, flag, group, leaf } from "../../src/cli/spec.js"

const argv = (...args: Array<string>) => {
  const r = prepare(tree, args)
  if (Either.isLeft(r)) throw new Error(r.left)
  if (r.right._tag !== "Run") throw new Error(`not a run: ${r.right._tag}`)
  return r.right.argv
}
const mistake = (...args: Array<string>) => {
  const r = prepare(tree, args)
  if (Either.isRight(r)) throw new Error(`accepted ${args.join(" ")}`)
  return r.left
}

describe("argv check", () => {
  it("hands @effect/cli long names, flags as --name=true, values as separate words, then the arguments", () => {
    expect(argv("enip", "server", "-Ap", "-a127.0.0.1:0", "-s", "100", "X", "-S", "Y=DINT")).toEqual([
      "enip", "server", "--address", "127.0.0.1:0", "--address-output=true", "--print=true", "--size", "100", "--simple=true", "X", "Y=DINT"
    ])
  })
  it("counts -v, -vv, --verbose anywhere (also before the command) into --verbosity", () => {
    expect(argv("-v", "enip", "client", "-vv", "X", "--verbose")).toEqual(["enip", "client", "--verbosity", "4", "X"])
    expect(argv("-vv", "enip", "--verbose", "client", "X")).toEqual(["enip", "client", "--verbosity", "3", "X"])
    // Only a whole run of v's is -v: not a word ending in -v, nor -v with other letters.
    expect(mistake("x-v", "enip")).toBe(`unknown command "x-v" for "cpppo" (one of enip, modbus, history)`)
    expect(mistake("-vx", "enip")).toBe(`unknown option -vx for "cpppo" (see cpppo --help)`)
  })
  it("a number option without a range takes any whole number; --verbosity given keeps its value over -v", () => {
    expect(argv("enip", "client", "--verbosity", "7", "X")).toEqual(["enip", "client", "--verbosity", "7", "X"])
    expect(argv("enip", "client", "-v", "--verbosity", "-3", "X")).toEqual(["enip", "client", "--verbosity", "-3", "X"])
    expect(mistake("enip", "client", "--verbosity", "abc")).toBe(`--verbosity takes a whole number, not "abc"`)
  })
  it("the last of a flag and its negation wins (--no-print, -u/-U, -t/-T)", () => {
    expect(argv("enip", "server", "-p", "--no-print", "X")).toEqual(["enip", "server", "X"])
    expect(argv("enip", "server", "--no-print", "-p", "X")).toEqual(["enip", "server", "--print=true", "X"])
    expect(argv("enip", "server", "-U", "-u", "-T", "X")).toEqual(["enip", "server", "--no-tcp=true", "X"])
  })
  it("accepts unambiguous prefixes of long options and --opt=value; refuses ambiguous ones", () => {
    expect(argv("enip", "server", "--address=:0", "--route", "none", "--idle=5", "X")).toEqual(["enip", "server", "--address", ":0", "--route-path", "none", "--idle-timeout", "5", "X"])
    // A whole name is never ambiguous, though it begins another (--max-sessions-per-peer).
    expect(argv("enip", "server", "--max-sessions=5", "--max-sessions-p", "2", "X")).toEqual(["enip", "server", "--max-sessions", "5", "--max-sessions-per-peer", "2", "X"])
    expect(mistake("enip", "server", "--max", "5")).toBe(`ambiguous option --max for "cpppo enip server": --max-sessions, --max-sessions-per-peer`)
    // A prefix of two letters or more: one letter is too short, even when only one option starts with it.
    expect(argv("enip", "server", "--id", "5", "X")).toEqual(["enip", "server", "--idle-timeout", "5", "X"])
    expect(mistake("enip", "server", "--i", "5", "X")).toBe(`unknown option --i for "cpppo enip server" (see cpppo enip server --help)`)
    expect(mistake("enip", "server", "--addr", ":0")).toBe(`ambiguous option --addr for "cpppo enip server": --address, --address-output`)
  })
  it("a flag followed by yes/1/true keeps it as an argument (no value swallowed)", () => {
    expect(argv("enip", "client", "-p", "1", "yes")).toEqual(["enip", "client", "--print=true", "1", "yes"])
  })
  it("repeatable options keep every value in order; others keep the last", () => {
    expect(argv("enip", "server", "-c", "a.cfg", "--config", "b.json", "-d", "1", "-d", "2", "X")).toEqual([
      "enip", "server", "--delay", "2", "--config", "a.cfg", "--config", "b.json", "X"
    ])
  })
  it("negative numbers and '-' are arguments or values, not options", () => {
    expect(argv("enip", "server", "-d", "-1", "X")).toEqual(["enip", "server", "--delay", "-1", "X"])
    expect(argv("enip", "client", "-")).toEqual(["enip", "client", "-"])
    expect(argv("enip", "server", "-l", "-", "X")).toEqual(["enip", "server", "--log", "-", "X"])
  })
  it("a range's bounds are themselves in range", () => {
    expect(argv("enip", "server", "-s", "40", "X")).toEqual(["enip", "server", "--size", "40", "X"])
    expect(argv("enip", "server", "-s", "65559", "X")).toEqual(["enip", "server", "--size", "65559", "X"])
    expect(mistake("enip", "server", "-s", "39")).toBe("-s/--size takes a whole number 40..65559, not 39")
    expect(mistake("enip", "server", "-s", "65560")).toBe("-s/--size takes a whole number 40..65559, not 65560")
  })
  it("-h anywhere, a bare group and --version are answered by the check itself", () => {
    for (const args of [["-h"], ["enip"], ["enip", "server", "-a", "x", "--help"], ["enip", "client", "-vh"]]) {
      expect(Either.getOrThrow(prepare(tree, args))._tag).toBe("Help")
    }
    expect(Either.getOrThrow(prepare(tree, ["--version"]))._tag).toBe("Version")
  })
  it("names the mistake", () => {
    expect(mistake("enip", "server", "--bogus")).toBe(`unknown option --bogus for "cpppo enip server" (see cpppo enip server --help)`)
    expect(mistake("enip", "clinet")).toBe(`unknown command "clinet" for "cpppo enip" (did you mean client?)`)
    expect(mistake("enip", "server", "-s", "abc")).toBe(`-s/--size takes a whole number 40..65559, not "abc"`)
    expect(mistake("enip", "historize")).toBe(`missing FILE for "cpppo enip historize" (see cpppo enip historize --help)`)
  })
  it("names the mistake: options before the command, far-off names, missing values, values given to flags", () => {
    expect(mistake("enip", "--bogus")).toBe(`unknown option --bogus for "cpppo enip" (see cpppo enip --help)`)
    expect(mistake("enip", "zzzzzzzzz")).toBe(`unknown command "zzzzzzzzz" for "cpppo enip" (one of server, fleet, client, historize, poll, get-attribute)`)
    // A short word still gets a suggestion 2 edits away (at least 2 edits are always allowed).
    expect(mistake("enip", "clnt")).toBe(`unknown command "clnt" for "cpppo enip" (did you mean client?)`)
    expect(mistake("enip", "server", "--adress", ":0")).toBe(`unknown option --adress for "cpppo enip server" (did you mean --address?)`)
    // Nothing near a one-letter long name: the help is named, not a made-up option.
    expect(mistake("enip", "server", "--X")).toBe(`unknown option --X for "cpppo enip server" (see cpppo enip server --help)`)
    expect(mistake("enip", "server", "X", "-a")).toBe(`-a/--address needs a value (ADDRESS)`)
    expect(mistake("enip", "server", "--size", "-p")).toBe(`-s/--size needs a value (BYTES)`)
    expect(mistake("enip", "server", "--verbose=2")).toBe(`--verbose takes no value`)
    expect(mistake("enip", "server", "--print=yes")).toBe(`--print takes no value`)
    expect(mistake("enip", "server", "-Az")).toBe(`unknown option -z (in -Az) for "cpppo enip server" (see cpppo enip server --help)`)
    expect(mistake("enip", "server", "-z")).toBe(`unknown option -z for "cpppo enip server" (see cpppo enip server --help)`)
  })
  it("-a=VALUE, --version after the command, and -- before arguments that look like options", () => {
    expect(argv("enip", "server", "-a=127.0.0.1:0", "X")).toEqual(["enip", "server", "--address", "127.0.0.1:0", "X"])
    expect(Either.getOrThrow(prepare(tree, ["enip", "server", "--version"]))._tag).toBe("Version")
    expect(argv("enip", "server", "-p", "--", "-U", "--x", "X")).toEqual(["enip", "server", "--print=true", "-U", "--x", "X"])
  })
  it("a command with a bounded argument count, and one without -v", () => {
    const one = leaf({ name: "one", summary: "s" }, { quiet: flag("quiet", { help: "h" }), file: arg("FILE", { help: "h" }) }, () => Effect.void)
    const root = group({ name: "t", summary: "s" }, [one])
    expect(Either.getOrThrow(prepare(root, ["one", "a"]))).toEqual({ _tag: "Run", argv: ["one", "a"] })
    expect(Either.flip(prepare(root, ["one", "a", "b", "c"]))).toEqual(Either.right(`unexpected argument "b" for "t one"`))
    expect(Either.flip(prepare(root, ["one", "-v", "a"]))).toEqual(Either.right(`-v is not an option of "t one"`))
  })
})

describe("@effect/cli parses case-sensitively (CliConfig)", () => {
  // The clash that broke `-A X=INT`: a text option -a and a flag -A on one command.
  const seen: Array<unknown> = []
  const probe = Command.make("probe", {
    address: Options.text("address").pipe(Options.withAlias("a"), Options.withDefault(":44818")),
    output: Options.boolean("address-output").pipe(Options.withAlias("A"))
  }, (o) => Effect.sync(() => { seen.push(o) }))
  const runProbe = Command.run(probe, { name: "probe", version: "0" })

  it.effect("-A is the flag and -a the text option, in either order", () =>
    Effect.gen(function* () {
      seen.length = 0
      yield* runProbe(["node", "probe", "-A", "-a", "127.0.0.1:0"]).pipe(Effect.provide(cliConfig))
      yield* runProbe(["node", "probe", "-a", "127.0.0.1:0", "-A"]).pipe(Effect.provide(cliConfig))
      expect(seen).toEqual([{ address: "127.0.0.1:0", output: true }, { address: "127.0.0.1:0", output: true }])
    }).pipe(Effect.provide(NodeContext.layer)))

  it.effect("(with @effect/cli's default, case-insensitive config the same line does not parse)", () =>
    Effect.gen(function* () {
      seen.length = 0
      const base = yield* Effect.console
      const quiet: Console.Console = { ...base, error: () => Effect.void, log: () => Effect.void }
      const r = yield* Effect.either(runProbe(["node", "probe", "-A", "-a", "127.0.0.1:0"]).pipe(Effect.provide(CliConfig.defaultLayer), Effect.withConsole(quiet)))
      expect(Either.isLeft(r) || JSON.stringify(seen) !== JSON.stringify([{ address: "127.0.0.1:0", output: true }])).toBe(true)
    }).pipe(Effect.provide(NodeContext.layer)))
})
