/**
 * Every behaviour case recorded from cpppo (test/fixtures/cpppo-dfa.json), run through this library.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { readFileSync } from "node:fs"
import { dfaCasesFile } from "../fixtures/fixtures.js"
import { type Data, getPath, integer, type Limit, Parser, run, type State, Source } from "../../src/dfa/index.js"
import { basic, comparo, csv, re, repeat3, str } from "./machines.js"

const file = dfaCasesFile

interface Case {
  readonly id: string
  readonly machine: Record<string, unknown> & { readonly kind: string; readonly data_path?: string }
  readonly input?: string
  readonly input_utf8_hex?: string
  readonly accepted: unknown
  readonly remaining: string
  readonly consumed: number
  readonly terminal: boolean
  readonly exception: string | null
  readonly final_state: string | null
}

const cases: ReadonlyArray<Case> = (JSON.parse(readFileSync(file, "utf8")) as { cases: ReadonlyArray<Case> }).cases

const hex = (a: ArrayLike<number>): string => Array.from(a, (b) => b.toString(16).padStart(2, "0")).join("")
const fromHex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16))

/** The machine a case describes, and the data path where its result is read. */
const build = (c: Case): { machine: State; path: string; data: Data } => {
  const m = c.machine
  const path = (m.data_path ?? "").replace(/ \(.*\)$/, "")
  const context = path.split(".")[0]!
  const dfa = (m.dfa ?? {}) as { terminal?: boolean; greedy?: boolean }
  switch (m.kind) {
    case "graph":
      if (m.name === "ab+") return { machine: basic(dfa), path, data: {} }
      if (m.name === "comparo") return { machine: comparo(), path, data: {} }
      if (m.name === "x3") return { machine: repeat3(), path, data: {} }
      break
    case "composite":
      return { machine: csv(), path, data: {} }
    case "regex":
    case "regex_bytes": {
      const limit = m.limit as Limit | undefined
      const machine = re(m.regex as string, {
        context,
        terminal: m.terminal as boolean,
        greedy: (m.greedy as boolean | undefined) ?? true,
        bytes: m.kind === "regex_bytes",
        ...(limit === undefined ? {} : { limit })
      })
      // The case's limit path "..somewhere.ten" holds 10, a sibling of the machine's context.
      return { machine, path, data: typeof limit === "string" ? { somewhere: { ten: 10 } } : {} }
    }
    case "integer":
      return { machine: integer(), path, data: {} }
    case "string":
      return {
        machine: str({ context: m.context as string, greedy: m.greedy as boolean, ...(m.regex === "[a-z]*" ? { pattern: "[a-z]*" } : {}) }),
        path,
        data: {}
      }
  }
  throw new Error(`unknown machine in case ${c.id}`)
}

const inputOf = (c: Case): string | Uint8Array => (c.input_utf8_hex !== undefined ? fromHex(c.input_utf8_hex) : c.input!)

/** What a run ended with, in the case file's terms. */
const outcome = (c: Case, result: ReturnType<typeof run>, src: Source, path: string) => {
  const data = Either.isRight(result) ? result.right.data : result.left.data
  const raw = path === "final_state" ? null : getPath(data, path)
  const accepted = raw === undefined ? null : Array.isArray(raw) ? hex(raw as Array<number>) : raw
  const rem = src.remaining()
  return {
    accepted,
    remaining: typeof rem === "string" ? rem : hex(rem),
    consumed: Either.isRight(result) ? result.right.consumed : result.left.consumed,
    terminal: Either.isRight(result) ? result.right.terminal : false,
    exception: Either.isLeft(result) ? "NonTerminal" : null,
    state: Either.isRight(result) ? result.right.state : result.left.state
  }
}

const expected = (c: Case) => ({
  accepted: c.accepted,
  remaining: c.remaining,
  consumed: c.consumed,
  terminal: c.terminal,
  // cpppo raises an AssertionError ("no progress") when a repeat cycle finds no input; the
  // machine did stop short of a terminal state, which is what NonTerminal reports here.
  exception: c.exception === null ? null : "NonTerminal"
})

const title = (c: Case): string =>
  c.exception?.startsWith("AssertionError")
    ? `${c.id} (cpppo raises AssertionError for an unfinished repeat; we report NonTerminal)`
    : c.id

describe("cpppo-dfa.json behaviour cases", () => {
  it("the fixture has 53 cases", () => {
    expect(cases.length).toBe(53)
  })

  for (const c of cases) {
    it(title(c), () => {
      const { machine, path, data } = build(c)
      const src = Source.of(inputOf(c))
      const got = outcome(c, run(machine, src, data), src, path)
      expect({ ...got, state: undefined }).toEqual({ ...expected(c), state: undefined })
      // The decision cases are judged by the state they end in.
      if (c.machine.name === "comparo" || (c.exception === "NonTerminal" && c.machine.kind === "graph" && c.final_state !== null)) {
        expect(got.state).toBe(c.final_state)
      }
    })

    it(`${c.id} — fed one symbol at a time gives the same result`, () => {
      const { machine, path, data } = build(c)
      const input = inputOf(c)
      const parser = new Parser(machine, { kind: typeof input === "string" ? "text" : "bytes", data })
      const pieces = typeof input === "string" ? Array.from(input) : Array.from(input, (b) => Uint8Array.of(b))
      let result: ReturnType<typeof run> | undefined
      let fed = 0
      while (result === undefined && fed < pieces.length) {
        const r = parser.feed(pieces[fed++]!)
        if (r._tag !== "NeedsInput") result = r
      }
      result ??= parser.end()
      // The pieces never fed are part of what remains.
      const rest = Source.of(parser.source.remaining())
      const unfed = pieces.slice(fed)
      const src = new Source(rest.kind)
      src.feed(rest.remaining())
      unfed.forEach((p) => src.feed(p))
      src.end()
      const got = outcome(c, result, src, path)
      expect({ ...got, state: undefined }).toEqual({ ...expected(c), state: undefined })
    })
  }
})
