/**
 * Help in the shape of cpppo's (argparse): full command paths in the usage line, the real
 * descriptions, metavars, ranges and defaults, -v, one example per command (examples.ts) that the
 * CLI accepts, no options we refuse, and never colour escapes (piped, NO_COLOR, or FORCE_COLOR
 * alike; through the real binary).
 */
import { CommandDescriptor, HelpDoc } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { prepare } from "../../src/cli/argv.js"
import { type CommandPath, EXAMPLES } from "../../src/cli/examples.js"
import { renderHelp } from "../../src/cli/help.js"
import { CLI_CONFIG, tree, VERSION } from "../../src/cli/main.js"
import type { CommandNode } from "../../src/cli/spec.js"
import { runAll } from "./cpppo.js"

/** Every command path: ["cpppo"], ["cpppo", "enip"], ["cpppo", "enip", "server"], … */
const paths = (node: CommandNode, prefix: ReadonlyArray<string> = []): Array<Array<string>> => {
  const here = [...prefix, node.name]
  return [here, ...node.children.flatMap((c) => paths(c, here))]
}
const ALL = paths(tree)
/** Paths of runnable commands (no subcommands). */
const LEAVES = new Set(ALL.filter((p) => p.length > 2).map((p) => p.join(" ")))

describe("help", () => {
  it("every command's help: usage with the full path, no boilerplate, an example for each command", () => {
    for (const path of ALL) {
      const nodes = path.reduce<Array<CommandNode>>((acc, name, i) => [...acc, i === 0 ? tree : acc[i - 1]!.children.find((c) => c.name === name)!], [])
      const text = renderHelp(nodes, VERSION, 80)
      const name = path.join(" ")
      expect(text.split("\n")[0], name).toMatch(new RegExp(`^usage: ${name} \\[-h\\]`))
      expect(text).not.toMatch(/\u001b\[/)
      expect(text).not.toMatch(/A user-defined piece of text|This setting is optional/)
      expect(text).not.toMatch(/--log-level|--wizard|--completions|--verbosity/)
      expect(Math.max(...text.split("\n").filter((l) => !l.startsWith("  cpppo ")).map((l) => l.length)), name).toBeLessThanOrEqual(80)
      expect(text.endsWith(`\nexample:\n  ${EXAMPLES[name as CommandPath]}\n`) || text.includes(`\nexample:\n  ${EXAMPLES[name as CommandPath]}\n\n`), name).toBe(true)
      if (LEAVES.has(name)) expect(EXAMPLES[name as CommandPath].startsWith(`${name} `), name).toBe(true)
    }
  })

  it("every command has one example, and every example names a command", () => {
    expect(ALL.map((p) => p.join(" ")).sort()).toEqual(Object.keys(EXAMPLES).sort())
  })

  it.effect("every example passes the argv check and @effect/cli's parse (its options are the command's, no leftovers)", () =>
    Effect.gen(function* () {
      for (const example of Object.values(EXAMPLES)) {
        const words = Array.from(example.matchAll(/'([^']*)'|(\S+)/g), (m) => m[1] ?? m[2]!)
        const checked = prepare(tree, words.slice(1))
        expect(Either.isRight(checked) ? checked.right._tag : checked.left, example).toBe("Run")
        if (Either.isLeft(checked) || checked.right._tag !== "Run") continue
        const directive = yield* CommandDescriptor.parse(tree.command.descriptor, ["cpppo", ...checked.right.argv], CLI_CONFIG).pipe(
          Effect.mapError((e) => new Error(`${example}: ${HelpDoc.toAnsiText(e.error)}`))
        )
        expect(directive._tag, example).toBe("UserDefined")
        if (directive._tag === "UserDefined") expect(directive.leftover, example).toEqual([])
      }
    }).pipe(Effect.provide(NodeContext.layer)))
})

describe("help (real binary)", () => {
  it("server help shows -v, metavars, the -s range and defaults, the negations; -h and NO_COLOR give the same text", async () => {
    const [help, short] = await runAll([["enip", "server", "--help"], ["enip", "server", "-h"]], { env: { ...process.env, FORCE_COLOR: "1" } })
    const [noColor] = await runAll([["enip", "server", "--help"]], { env: { ...process.env, NO_COLOR: "1" } })
    const text = help!.stdout
    expect(help!.status).toBe(0)
    expect(text).not.toMatch(/\u001b\[/)
    expect(short!.stdout).toBe(text)
    expect(noColor!.stdout).toBe(text)
    expect(text).toContain("\nRun a simulated Logix controller (EtherNet/IP CIP server).\n")
    expect(text).toMatch(/\n {2}-v, --verbose +more log output/)
    expect(text).toMatch(/\n {2}-a, --address ADDRESS\n +\[iface\]\[:port\] to listen on/)
    expect(text).toMatch(/-s, --size BYTES +the largest encapsulation frame accepted[\s\S]*\(40\.\.65559; default: 65559\)/)
    expect(text).toMatch(/\n {2}--no-print +do not print tag I\/O/)
    expect(text).toMatch(/\n {2}-T, --no-tcp +no TCP sessions/)
    expect(text).toMatch(/\n {2}-c, --config FILE +read a config file[\s\S]*\(may be\s+repeated\)/)
    expect(text).toMatch(/\npositional arguments:\n {2}TAG +tag specs NAME\[@cls\/ins\/att\]\[=TYPE\]\[\[n\]\]/)
  }, 60_000)

  it("cpppo and cpppo enip list their commands; --version prints the version", async () => {
    const [root, enip, version] = await runAll([["--help"], ["enip"], ["--version"]])
    expect(root!.stdout).toMatch(/\ncommands:\n {2}enip +EtherNet\/IP CIP: simulator, client and tools\.\n {2}modbus +Modbus\/TCP[^\n]*\n {2}history +Read/)
    for (const c of ["server", "client", "historize", "get-attribute"]) expect(enip!.stdout).toMatch(new RegExp(`\\n  ${c} +[A-Z]`))
    expect(version!.stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  }, 60_000)
})
