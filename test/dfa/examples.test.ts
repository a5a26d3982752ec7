/** The README examples (examples/dfa): BASIC, CSV and REGEX on 'abbbb, ab'. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { abPlus } from "../../examples/dfa/basic.js"
import { csvMachine } from "../../examples/dfa/csv.js"
import { regexMachine } from "../../examples/dfa/regex.js"
import { show } from "../../examples/dfa/show.js"

const quiet = <A>(f: () => A): A => {
  const log = console.log
  console.log = () => {}
  try {
    return f()
  } finally {
    console.log = log
  }
}

describe("README examples", () => {
  it("BASIC accepts 'abbbb' and leaves ', ab'", () => {
    const lines = quiet(() => show("BASIC", abPlus({ context: "basic" }), "abbbb, ab"))
    expect(lines.slice(-2)).toEqual([`accepted 5 symbols (terminal: false): {"basic":{"input":"abbbb"}}`, `remaining ", ab"`])
    expect(lines[1]).toMatch(/ab\+\s+\( E \)\s+next "a"/)
  })

  it("CSV drops the separators and collects both values", () => {
    const lines = quiet(() => show("CSV", csvMachine(), "abbbb, ab"))
    expect(lines.slice(-2)).toEqual([`accepted 9 symbols (terminal: false): {"csv":{"input":"abbbbab"}}`, `remaining ""`])
    expect(lines.filter((l) => l.includes("( SEP )"))).toHaveLength(2)
  })

  it("REGEX keeps the separators, one traced transition per symbol", () => {
    const lines = quiet(() => show("REGEX", Either.getOrThrow(regexMachine()), "abbbb, ab"))
    expect(lines.slice(-2)).toEqual([`accepted 9 symbols (terminal: true): {"regex":{"input":"abbbb, ab"}}`, `remaining ""`])
    expect(lines).toHaveLength(1 + 10 + 2)
  })
})
