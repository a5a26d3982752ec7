/**
 * The README's Reliability section on coverage-guided fuzzing, against the fuzzer's own table
 * (scripts/fuzz/guided/targets.ts) and CI's script: the measured table has a row for every
 * target, in the fuzzer's order, and the contract table names only targets; CI fuzzes every
 * target for 10 s (`.ci/run`). A target added, renamed or dropped fails here until the README
 * follows.
 */
import { describe, expect, it } from "vitest"
import { readFileSync } from "node:fs"
import { TARGETS } from "../../scripts/fuzz/guided/targets.js"

const ROOT = new URL("../../", import.meta.url)
const README = readFileSync(new URL("README.md", ROOT), "utf8").split("\n")

/** The first column (`name`) of each row of the table whose header starts with `| target |` and has `column`. */
const tableNames = (column: string): Array<string> => {
  const head = README.findIndex((l) => l.startsWith("| target |") && l.includes(`| ${column} |`))
  expect(head, `a table with column ${column}`).toBeGreaterThan(0)
  const names: Array<string> = []
  for (let i = head + 2; i < README.length && README[i]!.startsWith("|"); i++) {
    const m = /^\| `([a-z-]+)` \|/.exec(README[i]!)
    if (m !== null) names.push(m[1]!)
  }
  return names
}

describe("the README's coverage-guided fuzzing", () => {
  it("the measured table has a row for every target, in the fuzzer's order; the contract table names only targets", () => {
    const names = TARGETS.map((t) => t.name)
    expect(tableNames("seconds")).toEqual(names)
    const contracts = tableNames("input")
    expect(contracts.length).toBeGreaterThanOrEqual(10)
    for (const n of contracts) expect(names).toContain(n)
  })

  it("CI (.ci/run) installs the Debian packages the README names, runs npm ci, npm test, every target for 10 s and mutate:changed", () => {
    const ci = readFileSync(new URL(".ci/run", ROOT), "utf8")
    const text = README.join("\n")
    expect(ci).toMatch(/^npm run fuzz -- --coverage all --seconds 10\b/m)
    expect(text).toContain("CI fuzzes every target for 10 s from the kept corpus")
    expect(text).toContain("`npm ci`, `npm test`, every coverage-guided fuzz target for 10 s and Stryker on the last commit's\n  changed lines (`npm run mutate:changed`)")
    expect(ci).toMatch(/^npm ci\b/m)
    expect(ci).toMatch(/^npm test\b/m)
    expect(ci).toMatch(/^npm run mutate:changed\b/m)
    for (const pkg of ["chromium", "python3", "tshark", "python3-pymodbus", "patchelf", "g\\+\\+"]) {
      expect(ci).toMatch(new RegExp(`missing\\+=\\(${pkg}\\)`))
    }
    expect(text).toContain("chromium, python3, tshark,\n  python3-pymodbus, patchelf and g++")
    expect(ci).toMatch(/console\.log\(`\$\{r\.numPassedTests\} passed, \$\{r\.numFailedTests\} failed`/)
  })
})
