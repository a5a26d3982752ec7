/**
 * cpppo's options the README's "Coming from Python cpppo" table lists as not here: `-P/--profile`
 * (every command: Node has `node --cpu-prof`), `-L/--legacy` (the client), `-D/--defined-tags`
 * (the server: `--udt` instead). Each is a command-line mistake: one `cpppo:` line naming it,
 * exit 2 (a usage error: bin.ts prints it as one line and exits 2), nothing run.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { runCpppo } from "./inProcess.js"

const CASES: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
  [["enip", "server", "-P", "prof.out", "X=INT"], "-P"],
  [["enip", "server", "--profile", "prof.out", "X=INT"], "--profile"],
  [["enip", "server", "-D", "types.json", "X=INT"], "-D"],
  [["enip", "server", "--defined-tags", "types.json", "X=INT"], "--defined-tags"],
  [["enip", "client", "-L", "1", "X"], "-L"],
  [["enip", "client", "--legacy", "1", "X"], "--legacy"],
  [["enip", "client", "-P", "prof.out", "X"], "-P"],
  [["enip", "get-attribute", "--profile", "prof.out", "@1/1/1"], "--profile"]
]

describe("cpppo's options that are not here", () => {
  it.effect("-P/--profile, -D/--defined-tags, -L/--legacy: one line naming the option, exit 2", () =>
    Effect.gen(function* () {
      for (const [args, option] of CASES) {
        const r = yield* runCpppo(...args)
        const command = `cpppo ${args[0]} ${args[1]}`
        expect(r.end, args.join(" ")).toBe(`usage: unknown option ${option} for "${command}" (see ${command} --help)`)
        expect(r.out).toBe("")
      }
    }))
})
