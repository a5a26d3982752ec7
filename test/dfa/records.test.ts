/**
 * Records: a machine run over chunked input again and again, one record per complete run — as
 * many records as a chunk completes, a record split across chunks, a clean end between records,
 * a partial record at the end (NonTerminal), a machine that consumes nothing (NoProgress, not a
 * loop); and a sub-machine repeated a counted number of times.
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { Dfa, lengthPrefixed, Records, State, StateInput, USINT } from "../../src/dfa/index.js"
import { run } from "../../src/dfa/run.js"

const record = () => lengthPrefixed("r", (c) => USINT(c))
const plain = (r: Either.Either<ReadonlyArray<Record<string, unknown>>, unknown>) =>
  Either.map(r, (rs) => rs.map((d) => { const x = d["r"] as { length: number; data: Uint8Array }; return [x.length, Array.from(x.data)] }))

describe("Records", () => {
  it("cuts chunks into records: several in one chunk, one across chunks, none at a clean end", () => {
    const rs = new Records(record)
    expect(plain(rs.feed(Uint8Array.of(2, 9, 8, 1, 7, 3, 1)))).toEqual(Either.right([[2, [9, 8]], [1, [7]]]))
    expect(plain(rs.feed(Uint8Array.of(2)))).toEqual(Either.right([]))
    expect(plain(rs.feed(Uint8Array.of(3, 0)))).toEqual(Either.right([[3, [1, 2, 3]], [0, []]]))
    expect(plain(rs.end())).toEqual(Either.right([]))
    expect(rs.source.sent).toBe(10)
  })

  it("a partial record at the end is a NonTerminal failure", () => {
    const rs = new Records(record)
    expect(plain(rs.feed(Uint8Array.of(1, 5, 4, 1)))).toEqual(Either.right([[1, [5]]]))
    const end = rs.end()
    expect(Either.isLeft(end) && end.left._tag).toBe("NonTerminal")
  })

  it("a machine that consumes nothing is NoProgress, named, not an endless run of empty records", () => {
    const rs = new Records(() => new State("nothing", { terminal: true }), "text")
    const r = rs.feed("abc")
    expect(Either.isLeft(r) && r.left).toMatchObject({ _tag: "NoProgress", machine: "nothing", message: "record machine consumed nothing" })
  })
})

describe("Dfa", () => {
  it("repeats its sub-machine a counted number of times, terminal only when every cycle ran", () => {
    const letter = () => {
      const s = new State("s")
      s.onRange("a", "z", new StateInput("l", { terminal: true, context: "w" }))
      return s
    }
    const three = new Dfa("three", { initial: letter(), terminal: true, repeat: 3 })
    const ok = run(three, "abcd")
    expect(Either.isRight(ok) && [ok.right.consumed, ok.right.data]).toEqual([3, { w: { input: "abc" } }])
    const short = run(new Dfa("three", { initial: letter(), terminal: true, repeat: 3 }), "ab")
    expect(Either.isLeft(short)).toBe(true)
    const m = new Dfa("m", { initial: letter(), terminal: true })
    expect(m.toString()).toBe("m.( s )")
    expect(m.terminal).toBe(false)
    expect(Either.isRight(run(m, "q"))).toBe(true)
    expect(m.terminal).toBe(true)
    expect(m.toString()).toBe("m.((l))")
  })
})
