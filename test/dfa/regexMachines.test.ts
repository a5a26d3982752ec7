/**
 * Regex machines run: names and states, what a stop reports, when an incremental run waits and
 * when it finishes without the end of input, pushed-back symbols, limits inside and across chunks,
 * astral code points and lone surrogates, classes above the BMP, UTF-8 byte machines (fast and
 * traced), and the string and integer machines' stored values.
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { integer, Parser, regex, run, Source, string, trace } from "../../src/dfa/index.js"
import { re, str } from "./machines.js"

/** Symbols an accepting run consumed, -1 for a stop (the machines below are built terminal). */
const consumed = (r: ReturnType<typeof run>) => (Either.isRight(r) && r.right.terminal ? r.right.consumed : -1)
const T = { terminal: true } as const
const traced = (m: Parameters<typeof trace>[0], input: string | Uint8Array) => {
  const g = trace(m, input)
  let x = g.next()
  while (!x.done) x = g.next()
  return x.value
}

describe("regex machines", () => {
  it("are named by their pattern unless named; one input state per table state", () => {
    const m = re("ab")
    expect([m.name, re("ab", { name: "AB" }).name]).toEqual(["ab", "AB"])
    expect(m.nodes.map(String)).toEqual(["( 0 )", "( 1 )", "((2))"])
    expect(m.compiled.states).toBe(3)
  })

  it("report the last state entered, fast or traced, and print as name.state", () => {
    const m = re("ab+", T)
    const r = run(m, "abbb!")
    expect(Either.isRight(r) && [r.right.state, r.right.consumed]).toEqual(["2", 4])
    expect(String(m)).toBe("ab+.((2))")
    const t = traced(re("ab+", T), "abbb!")
    expect(Either.isRight(t) && t.right.state).toBe("2")
    const b = re("é+", { bytes: true, context: "c", terminal: true })
    const input = Uint8Array.of(0xc3, 0xa9, 0xc3, 0xa9, 0x21)
    const fast = run(b, input)
    expect(traced(re("é+", { bytes: true, context: "c", terminal: true }), input)).toEqual(fast)
    expect(Either.isRight(fast) && [fast.right.state, String(b)]).toEqual(["2", "é+.((2))"])
  })

  it("a stop in a non-terminal state names the machine, the state and what was taken", () => {
    const r = run(re("ab", { context: "c" }), "ax")
    expect(Either.isLeft(r) && [r.left.message, r.left.machine, r.left.state, r.left.consumed, r.left.data]).toEqual(
      ["ab stopped in non-terminal state ( 1 )", "ab", "1", 1, { c: { input: "a" } }])
  })

  it("an incremental run waits only while the pattern can go on", () => {
    const done = new Parser(re("ab")).feed("ab")
    expect(done._tag === "Right" && done.right.consumed).toBe(2)
    const more = new Parser(re("ab+"))
    expect(more.feed("ab")).toEqual({ _tag: "NeedsInput", consumed: 2 })
    expect(more.feed("bb")).toEqual({ _tag: "NeedsInput", consumed: 4 })
    const end = more.end()
    expect(Either.isRight(end) && [end.right.consumed, end.right.data]).toEqual([4, { input: "abbb" }])
    const stop = new Parser(re("ab+")).feed("abbc")
    expect(stop._tag === "Right" && stop.right.consumed).toBe(3)
  })

  it("a limit counts across chunks and ends the run as soon as it is reached", () => {
    const p = new Parser(re("[a-z]*", { limit: 3, context: "c" }))
    expect(p.feed("ab")).toEqual({ _tag: "NeedsInput", consumed: 2 })
    const r = p.feed("cd")
    expect(r._tag === "Right" && [r.right.consumed, r.right.data]).toEqual([3, { c: { input: "abc" } }])
    for (const [input, want] of [["πππ", "ππ"], ["😀😀😀", "😀😀"], ["aπ😀b", "aπ"]] as const) {
      const q = run(re(".*", { limit: 2, context: "c" }), input)
      expect(Either.isRight(q) && [q.right.consumed, q.right.data]).toEqual([2, { c: { input: want } }])
    }
    const b = run(re(".*", { limit: 2, bytes: true, context: "c" }), Uint8Array.of(1, 2, 3, 4))
    expect(Either.isRight(b) && [b.right.consumed, b.right.data]).toEqual([2, { c: { input: [1, 2] } }])
  })

  it("pushed-back symbols are read one at a time before the buffered chunk", () => {
    const src = Source.of("zab!")
    src.next()
    src.next()
    src.push(0x61)
    const r = run(re("ab", { context: "c" }), src)
    expect(Either.isRight(r) && [r.right.consumed, r.right.data]).toEqual([2, { c: { input: "ab" } }])
    expect(src.remaining()).toBe("!")
    const bad = Source.of("ab")
    bad.push(0x7a)
    const n = run(re("ab"), bad)
    expect(Either.isLeft(n) && n.left.consumed).toBe(0)
    expect(bad.remaining()).toBe("zab")
    const bytes = Source.of(Uint8Array.of(0x61, 0x62))
    bytes.next()
    bytes.push(0x61)
    const y = run(re("ab", { bytes: true, context: "c" }), bytes)
    expect(Either.isRight(y) && y.right.data).toEqual({ c: { input: [0x61, 0x62] } })
    // Pushed back into a source that waits for more: the machine waits too, then goes on.
    const waiting = new Source("text")
    waiting.feed("a")
    waiting.next()
    waiting.push(0x61)
    const p = new Parser(re("ab"), { source: waiting })
    expect(p.resume()).toEqual({ _tag: "NeedsInput", consumed: 1 })
    const done = p.feed("b")
    expect(done._tag === "Right" && done.right.consumed).toBe(2)
    const ended = Source.of("")
    ended.push(0x61)
    expect(Either.isLeft(run(re("ab"), ended))).toBe(true)
  })

  it("astral code points are one symbol; a lone surrogate is a symbol of its own", () => {
    const m = () => re("a😀+b", { context: "c" })
    const r = run(m(), "a😀😀b")
    expect(Either.isRight(r) && [r.right.consumed, r.right.data]).toEqual([4, { c: { input: "a😀😀b" } }])
    expect(Either.isRight(traced(m(), "a😀😀b"))).toBe(true)
    expect(consumed(run(re(".*", T), "\ud83dX"))).toBe(2)
    expect(consumed(run(re(".*", T), "ab\ud83d"))).toBe(3)
    expect(consumed(run(re("\\xff\\u0100", T), "\xff\u0100"))).toBe(2)
    expect(consumed(run(re("[\\ud800-\\udbff]X", T), "\ud83dX"))).toBe(2)
  })

  it("classes above the BMP: each boundary as RegExp decides it, fast and traced", () => {
    const pattern = "[\\u{10000}\\u{10400}-\\u{10410}\\u{1F600}\\u{10FFFF}]"
    const native = new RegExp(`^${pattern}$`, "su")
    for (const cp of [0xffff, 0x10000, 0x10001, 0x103ff, 0x10400, 0x10408, 0x10410, 0x10411, 0x1f5ff, 0x1f600, 0x1f601, 0x10fffe, 0x10ffff]) {
      const s = String.fromCodePoint(cp)
      const want = native.test(s) ? 1 : -1
      expect([cp.toString(16), consumed(run(re(pattern, T), s)), consumed(traced(re(pattern, T), s))]).toEqual([cp.toString(16), want, want])
    }
  })

  it("UTF-8 byte machines take bytes, fast and traced, and refuse what the code point machine takes", () => {
    const e = Uint8Array.of(0xc3, 0xa9)
    const r = run(re("é+", { bytes: true, context: "c" }), Uint8Array.of(0xc3, 0xa9, 0xc3, 0xa9, 0x21))
    expect(Either.isRight(r) && [r.right.consumed, r.right.data]).toEqual([4, { c: { input: [0xc3, 0xa9, 0xc3, 0xa9] } }])
    expect(consumed(traced(re("é", { bytes: true, terminal: true }), e))).toBe(2)
    expect(consumed(traced(re("[\\x80-\\xff]", { bytes: true, terminal: true }), Uint8Array.of(0xc2, 0x80)))).toBe(2)
    expect(consumed(traced(re("a", { bytes: true, terminal: true }), Uint8Array.of(0xe1)))).toBe(-1)
    expect(consumed(run(re("é", T), e))).toBe(-1)
  })
})

describe("string and integer machines", () => {
  it("string: `.*` by default at `string`, the text stored in place of what was collected", () => {
    const r = run(str(), "héllo")
    expect(Either.isRight(r) && [r.right.data, r.right.consumed]).toEqual([{ string: "héllo" }, 5])
    const empty = run(str(), "")
    expect(Either.isRight(empty) && empty.right.data).toEqual({ string: "" })
    const w = run(str({ pattern: "[a-z]+", context: "w" }), "abc1")
    expect(Either.isRight(w) && [w.right.data, w.right.consumed]).toEqual([{ w: "abc" }, 3])
    const b = run(str({ bytes: true }), Uint8Array.of(0xc3, 0xa9, 0x21))
    expect(Either.isRight(b) && b.right.data).toEqual({ string: "é!" })
    const m = str()
    expect([m.name, m.context, m.greedy, m.terminal]).toEqual([".*", "string", false, false])
    expect(Either.isLeft(string({ pattern: "(" }))).toBe(true)
  })

  it("integer: `\\d+` at `integer`, stored as a number, over text or bytes", () => {
    const r = run(integer(), "0123x")
    expect(Either.isRight(r) && [r.right.data, r.right.consumed]).toEqual([{ integer: 123 }, 4])
    const b = run(integer({ context: "n" }), Uint8Array.of(0x34, 0x32, 0x20))
    expect(Either.isRight(b) && b.right.data).toEqual({ n: 42 })
    const m = integer()
    expect([m.name, m.context, m.greedy]).toEqual(["\\d+", "integer", true])
    expect(Either.isLeft(run(integer(), "x"))).toBe(true)
  })

  it("regex options other than bytes reach the machine", () => {
    const m = Either.getOrThrow(regex("a", { context: "c", terminal: true, greedy: false, name: "A" }))
    expect([m.name, m.context, m.greedy]).toEqual(["A", "c", false])
  })
})
