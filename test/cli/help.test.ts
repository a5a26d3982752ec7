/**
 * `cpppo <command> --help` shows one example line for every command, and every example is a
 * command line the CLI accepts (parsed, not run).
 */
import { CliConfig, CommandDescriptor, HelpDoc } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Console, Effect } from "effect"
import { type CommandPath, EXAMPLES } from "../../src/cli/examples.js"
import { cli, cpppoCommand } from "../../src/cli/main.js"
import { countVerbose } from "../../src/cli/verbosity.js"

/** A command descriptor's shape (@effect/cli's internal instruction tree, read-only). */
interface Node {
  readonly _tag: string
  readonly name?: string
  readonly command?: Node
  readonly parent?: Node
  readonly children?: ReadonlyArray<Node>
}

/** Every command path of the tree, e.g. `cpppo enip server`. */
const paths = (node: Node, prefix = ""): Array<string> => {
  switch (node._tag) {
    case "Map": return paths(node.command!, prefix)
    case "Subcommands": {
      const [self] = paths(node.parent!, prefix)
      return [self!, ...node.children!.flatMap((c) => paths(c, `${self} `))]
    }
    default: return [`${prefix}${node.name}`]
  }
}

/** Split a shell line on spaces, honouring '…' quotes (all the examples need). */
const words = (line: string): Array<string> => Array.from(line.matchAll(/'([^']*)'|(\S+)/g), (m) => m[1] ?? m[2]!)

const helpOf = (path: string) =>
  Effect.gen(function* () {
    const out: Array<string> = []
    const base = yield* Effect.console
    const capture: Console.Console = { ...base, log: (...a: ReadonlyArray<unknown>) => Effect.sync(() => { out.push(a.join(" ")) }) }
    yield* cli(["node", "cpppo", ...path.split(" ").slice(1), "--help"]).pipe(Effect.withConsole(capture), Effect.provide(NodeContext.layer))
    // eslint-disable-next-line no-control-regex
    return out.join("\n").replace(/\u001b\[[0-9;]*m/g, "")
  })

describe("cpppo --help examples", () => {
  it("every command has an example, and every example names a command", () => {
    expect(paths(cpppoCommand.descriptor as unknown as Node).sort()).toEqual(Object.keys(EXAMPLES).sort())
  })

  for (const path of Object.keys(EXAMPLES) as Array<CommandPath>) {
    it.effect(`${path} --help shows its one example`, () =>
      Effect.gen(function* () {
        const help = yield* helpOf(path)
        const lines = help.split("\n").filter((l) => l.startsWith("Example: "))
        expect(lines).toEqual([`Example: ${EXAMPLES[path]}`])
      }))
    it.effect(`${path}: the example's options are options of the command it runs`, () =>
      Effect.gen(function* () {
        const example = words(EXAMPLES[path])
        // The command the example runs: the longest run of leading words naming a command.
        const target = (Object.keys(EXAMPLES) as Array<CommandPath>)
          .filter((p) => example.slice(0, p.split(" ").length).join(" ") === p)
          .sort((a, b) => b.length - a.length)[0]!
        const help = (yield* helpOf(target)).split("\n").filter((l) => !l.startsWith("Example: ")).join("\n")
        const flags = example.filter((w) => w.startsWith("-"))
        const unknown = flags.filter((f) => !new RegExp(`(^|[\\s(,\\[])${f}([\\s),\\]]|$)`, "m").test(help) && !/^-v+$/.test(f))
        expect(unknown, `${EXAMPLES[path]} (run as ${target})`).toEqual([])
      }))
  }

  it.effect("every example parses as a command line (options, arguments, no leftovers)", () =>
    Effect.gen(function* () {
      for (const example of Object.values(EXAMPLES)) {
        const args = countVerbose(["node", ...words(example)]).slice(1)
        const directive = yield* CommandDescriptor.parse(cpppoCommand.descriptor, args, CliConfig.defaultConfig).pipe(
          Effect.mapError((e) => new Error(`${example}: ${HelpDoc.toAnsiText(e.error)}`))
        )
        expect(directive._tag, example).toBe("UserDefined")
        if (directive._tag === "UserDefined") expect(directive.leftover, example).toEqual([])
      }
    }).pipe(Effect.provide(NodeContext.layer)))
})

