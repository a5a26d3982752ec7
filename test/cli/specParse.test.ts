/**
 * The declarations of src/cli/spec.ts as @effect/cli itself parses them (without the argv check in
 * front, which hands it every option by its long name and leaves defaults to it): the short
 * aliases, a default as the value, an optional value as an Option, a repeatable text as a list,
 * integers and floats, flags, positional arguments; and the kind each declaration records for
 * the argv check and the help.
 */
import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { args, flag, float, group, integer, leaf, text, texts } from "../../src/cli/spec.js"

describe("spec.ts declarations parsed by @effect/cli", () => {
  it.effect("defaults, Options, aliases, repeated texts, numbers, flags, arguments; each declaration's kind", () => Effect.gen(function* () {
    let got: unknown
    const node = leaf({ name: "probe", summary: "s" }, {
      alpha: text("alpha", { short: "a", metavar: "A", help: "h" }),
      dee: text("dee", { metavar: "D", help: "h", default: "dflt" }),
      tee: texts("tee", { short: "t", metavar: "T", help: "h" }),
      num: integer("num", { short: "n", metavar: "N", help: "h", default: 3 }),
      maybe: integer("maybe", { metavar: "M", help: "h" }),
      fl: float("fl", { metavar: "F", help: "h", default: 1.5 }),
      gee: float("gee", { metavar: "G", help: "h" }),
      print: flag("print", { short: "p", help: "h" }),
      rest: args("NAME", { help: "h" })
    }, (parsed) => Effect.sync(() => { got = parsed }))
    const run = (...argv: Array<string>) =>
      Command.run(node.command, { name: "probe", version: "1" })(["node", "probe", ...argv]).pipe(Effect.provide(NodeContext.layer))
    yield* run()
    expect(got).toEqual({ alpha: Option.none(), dee: "dflt", tee: [], num: 3, maybe: Option.none(), fl: 1.5, gee: Option.none(), print: false, rest: [] })
    yield* run("-a", "x", "-t", "1", "-t", "2", "-n", "7", "-p", "--dee", "e", "--maybe", "4", "--fl", "0.25", "--gee", "2.5", "r1", "r2")
    expect(got).toEqual({ alpha: Option.some("x"), dee: "e", tee: ["1", "2"], num: 7, maybe: Option.some(4), fl: 0.25, gee: Option.some(2.5), print: true, rest: ["r1", "r2"] })
    expect(node.options.map((o) => [o.long, o.kind, o.default])).toEqual([
      ["alpha", "text", undefined], ["dee", "text", "dflt"], ["tee", "text", undefined], ["num", "integer", "3"],
      ["maybe", "integer", undefined], ["fl", "float", "1.5"], ["gee", "float", undefined], ["print", "flag", undefined]
    ])
  }))

  it.effect("a group runs the subcommand named, whichever of its commands that is", () => Effect.gen(function* () {
    const ran: Array<string> = []
    const one = (name: string) => leaf({ name, summary: "s" }, { rest: args("NAME", { help: "h" }) }, (p) => Effect.sync(() => { ran.push(`${name} ${p.rest.join(" ")}`) }))
    const root = group({ name: "t", summary: "s" }, [one("first"), one("second"), one("third")])
    const run = (...argv: Array<string>) =>
      Command.run(root.command, { name: "t", version: "1" })(["node", "t", ...argv]).pipe(Effect.provide(NodeContext.layer))
    yield* run("first", "a")
    yield* run("third", "b", "c")
    expect(ran).toEqual(["first a", "third b c"])
  }))
})
