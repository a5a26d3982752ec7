/**
 * The README's claim → test table ("Claims and the tests that hold them") cannot rot: every row
 * names at least one test as `` `test/….test.ts` "title" `` (a title may leave out words with
 * `…`), every named file exists and holds that title, and every option of every `cpppo` command
 * is in a row of that command, so a new flag without a test row fails here.
 */
import { describe, expect, it } from "@effect/vitest"
import { existsSync, readFileSync } from "node:fs"
import { tree } from "../../src/cli/main.js"
import type { CommandNode } from "../../src/cli/spec.js"

const ROOT = new URL("../../", import.meta.url)
const README = readFileSync(new URL("README.md", ROOT), "utf8")

/** The rows of the claim table: [claim, tests] cells, with their README line numbers. */
export const claimRows = (text: string): Array<{ line: number; claim: string; tests: string }> => {
  const lines = text.split("\n")
  const start = lines.findIndex((l) => /^### Claims and the tests that hold them/.test(l))
  if (start < 0) return []
  const rows: Array<{ line: number; claim: string; tests: string }> = []
  for (let i = start + 1; i < lines.length && !/^#{1,3} /.test(lines[i]!); i++) {
    const l = lines[i]!
    if (!l.startsWith("|") || /^\|\s*-/.test(l) || /^\|\s*claim\s*\|/.test(l)) continue
    // Cells split at `|` outside backticks.
    const cells: Array<string> = []
    let cell = ""
    let code = false
    for (const c of l.slice(1)) {
      if (c === "`") code = !code
      if (c === "|" && !code) { cells.push(cell.trim()); cell = "" } else cell += c
    }
    rows.push({ line: i + 1, claim: cells[0] ?? "", tests: cells[1] ?? "" })
  }
  return rows
}

/**
 * `` `test/x.test.ts` "title" `` pairs of a tests cell; also `test/x.cases.ts`, the case tables
 * (each case a test under its name) the interop tests run.
 */
export const testRefs = (cell: string): Array<{ file: string; title: string }> =>
  [...cell.matchAll(/`(test\/[^`]+\.(?:test|cases)\.ts)`\s+"([^"]+)"/g)].map((m) => ({ file: m[1]!, title: m[2]! }))

const leaves = (node: CommandNode, prefix: ReadonlyArray<string> = []): Array<[string, CommandNode]> =>
  node.children.length === 0
    ? [[[...prefix, node.name].slice(1).join(" "), node]]
    : node.children.flatMap((c) => leaves(c, [...prefix, node.name]))

/** Commands that take exactly another command's options (the same declaration) and say so in their row. */
const SAME_OPTIONS: Record<string, string> = { "enip historize": "enip server" }

describe("the README's claim table", () => {
  const rows = claimRows(README)

  it("has rows, and every row names a test", () => {
    expect(rows.length).toBeGreaterThan(40)
    const without = rows.filter((r) => testRefs(r.tests).length === 0).map((r) => `README line ${r.line}: ${r.claim}`)
    expect(without).toEqual([])
  })

  it("every named test file exists and holds the named test title", () => {
    const missing: Array<string> = []
    for (const r of rows) {
      for (const { file, title } of testRefs(r.tests)) {
        const url = new URL(file, ROOT)
        if (!existsSync(url)) { missing.push(`README line ${r.line}: no file ${file}`); continue }
        const text = readFileSync(url, "utf8")
        const parts = title.split("…").map((p) => p.trim()).filter((p) => p !== "")
        if (parts.length === 0 || !parts.every((p) => text.includes(p))) missing.push(`README line ${r.line}: ${file} has no test "${title}"`)
      }
    }
    expect(missing).toEqual([])
  })

  it("every option of every command is in a row of that command", () => {
    const missing: Array<string> = []
    for (const [name, node] of leaves(tree)) {
      const own = rows.filter((r) => r.claim.startsWith(`\`cpppo ${name}\``))
      if (own.length === 0) { missing.push(`no row for cpppo ${name}`); continue }
      const same = SAME_OPTIONS[name]
      if (same !== undefined) {
        const other = leaves(tree).find(([n]) => n === same)![1]
        expect(node.options.map((o) => o.long), name).toEqual(other.options.map((o) => o.long))
        if (!own.some((r) => r.claim.includes(`\`cpppo ${same}\``))) missing.push(`cpppo ${name}: its row must name cpppo ${same}`)
        continue
      }
      const text = own.map((r) => r.claim).join(" ")
      for (const o of node.options) {
        if (o.hidden === true) continue
        const names = [`--${o.long}`, ...(o.negation !== undefined ? [`--${o.negation.long}`] : [])]
        for (const n of names) if (!new RegExp(`\`[^\`]*${n.replace(/-/g, "\\-")}(?![\\w-])`).test(text)) missing.push(`cpppo ${name} ${n}`)
      }
    }
    expect(missing).toEqual([])
  })
})
