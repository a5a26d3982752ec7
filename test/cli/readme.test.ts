/**
 * The README's command lines work as printed from a fresh clone: every `npx cpppo …` line in a
 * code block passes the argv check (and its tag specs and operations parse); no code block runs a
 * bare `cpppo` (not on PATH after `npm ci`); every command has its place in the README.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { parseBridgeSpec } from "../../src/modbus/bridge.js"
import { readFileSync } from "node:fs"
import { prepare } from "../../src/cli/argv.js"
import { tree } from "../../src/cli/main.js"
import type { CommandNode } from "../../src/cli/spec.js"
import { parseOperations } from "../../src/client/operations.js"
import { parseTagSpec } from "../../src/tags/spec.js"

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8")

/** Lines inside fenced code blocks, with their line numbers. */
const codeLines = (): Array<[number, string]> => {
  const out: Array<[number, string]> = []
  let inside = false
  README.split("\n").forEach((line, i) => {
    if (/^\s*```/.test(line)) { inside = !inside; return }
    if (inside) out.push([i + 1, line])
  })
  return out
}

/** Words of a POSIX shell command line (quotes, backslashes, `#` comments); commands split at ; & | && ||. */
export const shellCommands = (line: string): Array<Array<string>> => {
  const commands: Array<Array<string>> = [[]]
  let word: string | undefined
  const end = () => { if (word !== undefined) { commands[commands.length - 1]!.push(word); word = undefined } }
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (c === "'") {
      const j = line.indexOf("'", i + 1) < 0 ? line.length : line.indexOf("'", i + 1)
      word = (word ?? "") + line.slice(i + 1, j)
      i = j
    }
    else if (c === "\"") {
      let j = i + 1
      let text = ""
      while (j < line.length && line[j] !== "\"") { if (line[j] === "\\" && j + 1 < line.length) j++; text += line[j]; j++ }
      word = (word ?? "") + text
      i = j
    } else if (c === "\\" && i + 1 < line.length) { word = (word ?? "") + line[i + 1]; i++ }
    else if (/\s/.test(c)) end()
    else if (c === "#" && word === undefined) break
    else if (";&|".includes(c)) { end(); if (line[i + 1] === c) i++; commands.push([]) }
    else word = (word ?? "") + c
  }
  end()
  return commands.filter((c) => c.length > 0)
}

const leaves = (node: CommandNode, prefix: ReadonlyArray<string> = []): Array<string> =>
  node.children.length === 0 ? [[...prefix, node.name].join(" ")] : node.children.flatMap((c) => leaves(c, [...prefix, node.name]))

describe("README commands", () => {
  // Shell-looking lines only (not the TypeScript in other code blocks).
  const lines = codeLines().filter(([, l]) => /^\s*(\$ )?(npx |npm |cpppo |node )/.test(l))
  const npx = lines.flatMap(([n, l]) => shellCommands(l).filter((c) => c[0] === "npx" && c[1] === "cpppo").map((c) => [n, c] as const))

  it("no code block runs a bare `cpppo` (use `npx cpppo`)", () => {
    const bare = lines.filter(([, l]) => shellCommands(l).some((c) => c[0] === "cpppo" || (c[0] === "$" && c[1] === "cpppo")))
    expect(bare).toEqual([])
  })

  it("every `npx cpppo …` line passes the argv check; its tags and operations parse", () => {
    expect(npx.length).toBeGreaterThan(10)
    for (const [n, words] of npx) {
      const args = words.slice(2)
      const r = prepare(tree, args)
      expect(Either.isRight(r) ? "ok" : r.left, `README line ${n}: ${words.join(" ")}`).toBe("ok")
      if (Either.isLeft(r) || r.right._tag !== "Run") continue
      const [group, command, ...rest] = r.right.argv
      const positional = rest.filter((w, i) => !w.startsWith("--") && !(rest[i - 1]?.startsWith("--") === true && !rest[i - 1]!.includes("=")))
      if (group === "enip" && (command === "server" || command === "historize")) {
        // With --modbus, a tag may be bridged to a register (NAME@40001=TYPE).
        const bridged = rest.some((w) => w.startsWith("--modbus"))
        for (const t of command === "historize" ? positional.slice(1) : positional) {
          const ok = Either.isRight(parseTagSpec(t)) || (bridged && Either.isRight(parseBridgeSpec(t)))
          expect(ok, `README line ${n}: tag ${t}`).toBe(true)
        }
      }
      if (group === "enip" && (command === "client" || command === "get-attribute")) {
        const ops = parseOperations(positional.filter((w) => !/^\d+$/.test(w) && w !== "-"))
        expect(Either.isRight(ops) ? "ok" : ops.left.message, `README line ${n}`).toBe("ok")
      }
    }
  })

  it("every command is shown in the README (`cpppo enip historize` …)", () => {
    for (const path of leaves(tree)) expect(README, path).toContain(path)
  })

  it("shell words: quotes, comments and command separators", () => {
    expect(shellCommands(`npx cpppo enip client -p 'SCADA[0]=1' "A=(STRING)a b" x\\ y   # note`)).toEqual([["npx", "cpppo", "enip", "client", "-p", "SCADA[0]=1", "A=(STRING)a b", "x y"]])
    expect(shellCommands("npm ci && npx cpppo --help | less")).toEqual([["npm", "ci"], ["npx", "cpppo", "--help"], ["less"]])
  })
})
