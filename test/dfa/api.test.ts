/** The library's API beyond the recorded cases: bad input, sources, transitions, binary fields, tracing. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import {
  bytes, DINT, Dfa, EOF, getPath, INT, integer, LINT, lengthPrefixed, LREAL, NEED, Parser, REAL, regex, run, SINT,
  Source, State, StateDrop, StateInput, trace, UDINT, UINT, ULINT, USINT
} from "../../src/dfa/index.js"
import fc from "fast-check"
import { runs } from "../propertyRuns.js"
import { enipFrame } from "../../examples/dfa/enipHeader.js"
import { basic, csv } from "./machines.js"

describe("bad input", () => {
  it("a malformed regex is a RegexError naming the position", () => {
    const r = regex("ab(c")
    expect(Either.isLeft(r)).toBe(true)
    if (Either.isLeft(r)) {
      expect(r.left._tag).toBe("RegexError")
      expect(r.left.position).toBe(4)
      expect(r.left.pattern).toBe("ab(c")
    }
    const q = regex("a)b")
    expect(Either.isLeft(q) && q.left.position).toBe(1)
  })

  it("unsupported constructs (backreferences, assertions) are RegexErrors, not exceptions", () => {
    for (const p of ["(a*)b\\1", "a\\b", "(?=a)a"]) expect(Either.isLeft(regex(p)), p).toBe(true)
  })

  it("a machine with no transition for a symbol stops cleanly, leaving the symbol", () => {
    const src = Source.of("abz")
    const r = run(basic(), src)
    expect(Either.isRight(r) && r.right.data).toEqual({ basic: { input: "ab" } })
    expect(src.remaining()).toBe("z")
    const bad = run(basic(), "z")
    expect(Either.isLeft(bad) && [bad.left.consumed, bad.left.state]).toEqual([0, "E"])
  })

  it("binary garbage into a text machine, and text into a byte machine, never throw", () => {
    expect(Either.isLeft(run(basic(), Uint8Array.of(0xff, 0x00)))).toBe(true)
    expect(Either.isLeft(run(UDINT("x"), "ab"))).toBe(true)
  })
})

describe("never hangs, never throws", () => {
  // Any code point, lone surrogate halves included (what fast-check's `unit: "binary"` gives),
  // built from integers: the "binary" unit took about 0.3 s a string here, paid by every mutant
  // this property covers under Stryker.
  const codePoints = fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 32 }).map((cps) => String.fromCodePoint(...cps))
  it("an epsilon loop stops (cpppo's no-progress guard) instead of spinning", () => {
    const a = new State("a", { terminal: true })
    const b = new State("b")
    a.onEpsilon(b)
    b.onEpsilon(a)
    const r = run(new Dfa("loop", { initial: a, terminal: true }), "xyz")
    // It stops where the loop closed (in b, not terminal): a NonTerminal value, no hang.
    expect(Either.isLeft(r) && [r.left.consumed, r.left.state]).toEqual([0, "b"])
  })

  it("arbitrary input into the example machines returns a value, consuming at most the input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), codePoints, (bin, text) => {
        for (const [m, input, len] of [
          [enipFrame(), bin, bin.length],
          [csv(), text, Array.from(text).length],
          [basic(), bin, bin.length]
        ] as const) {
          const r = run(m, input)
          const consumed = Either.isRight(r) ? r.right.consumed : r.left.consumed
          expect(consumed).toBeLessThanOrEqual(len)
        }
      }),
      { ...runs(300) }
    )
  })
})

describe("Source", () => {
  it("peeks, pushes back and counts symbols (code points for text)", () => {
    const s = new Source("text")
    expect(s.peek()).toBe(NEED)
    s.feed("π😀")
    expect(s.peek()).toBe(0x3c0)
    expect(s.next()).toBe(0x3c0)
    expect(s.next()).toBe(0x1f600)
    expect(s.sent).toBe(2)
    s.push(0x1f600)
    expect([s.sent, s.peek(), s.available()]).toEqual([1, 0x1f600, 1])
    expect(s.remaining()).toBe("😀")
    s.next()
    s.end()
    expect(s.peek()).toBe(EOF)
  })

  it("joins a surrogate pair and a UTF-8 sequence split across chunks", () => {
    const s = new Source("text")
    s.feed("a\ud83d")
    s.feed("\ude00")
    s.feed(Uint8Array.of(0xcf))
    s.feed(Uint8Array.of(0x80))
    s.end()
    expect([s.next(), s.next(), s.next(), s.next()]).toEqual([0x61, 0x1f600, 0x3c0, EOF])
  })
})

describe("transitions", () => {
  it("sets, ranges, predicates, a default and epsilon, in cpppo's order of precedence", () => {
    const start = new State("start")
    const digit = new StateInput("digit", { terminal: true, context: "d" })
    const vowel = new StateInput("vowel", { terminal: true, context: "v" })
    const upper = new StateInput("upper", { terminal: true, context: "u" })
    const other = new StateDrop("other", { terminal: true })
    const none = new State("none", { terminal: true })
    start.on("e", vowel).onSet("aiou", vowel).onRange("0", "9", digit).onPredicate((c) => c >= 65 && c <= 90, upper).onAny(other).onEpsilon(none)
    const m = () => new Dfa("m", { initial: start, terminal: true })
    const last = (input: string) => {
      const r = run(m(), input)
      return Either.isRight(r) ? r.right.state : null
    }
    expect([last("e"), last("o"), last("7"), last("Q"), last("?"), last("")]).toEqual(["vowel", "vowel", "digit", "upper", "other", "none"])
    expect(new Set(start.targets().map((t) => t.name))).toEqual(new Set(["vowel", "digit", "upper", "other", "none"]))
  })

  it("non-greedy stops at the first terminal state; greedy goes on", () => {
    const mk = (greedy: boolean) => {
      const a = new StateInput("a", { terminal: true, greedy })
      const start = new State("s").on("a", a)
      a.on("a", a)
      return new Dfa("m", { initial: start, context: "m" })
    }
    const g = run(mk(true), "aaa")
    const n = run(mk(false), "aaa")
    expect(Either.isRight(g) && g.right.consumed).toBe(3)
    expect(Either.isRight(n) && n.right.consumed).toBe(1)
  })

  it("repeat and limit may come from collected data", () => {
    // A count digit, then that many letters.
    const count = integer({ context: "n", terminal: true })
    const letters = Either.getOrThrow(regex("[a-z]", { context: "w", terminal: true, repeat: "..n" }))
    count.onEpsilon(letters)
    const r = run(new Dfa("m", { initial: count, terminal: true }), "3abcd")
    expect(Either.isRight(r) && r.right.data).toEqual({ n: 3, w: { input: "abc" } })
    const lim = Either.getOrThrow(regex("a*", { context: "a", limit: (a) => getPath(a.data, "max") as number, terminal: true }))
    const l = run(lim, "aaaaa", { max: 2 })
    expect(Either.isRight(l) && [l.right.consumed, l.right.terminal]).toEqual([2, true])
  })
})

describe("tracing", () => {
  it("yields each transition of the BASIC machine, and returns the result", () => {
    const gen = trace(basic(), "abx")
    const steps: Array<string> = []
    let r = gen.next()
    while (!r.done) {
      steps.push(`${r.value.machine?.name}:${r.value.state?.name ?? "-"}`)
      r = gen.next()
    }
    expect(steps).toEqual(["ab+:E", "ab+:A", "ab+:B"])
    expect(Either.isRight(r.value) && r.value.right.consumed).toBe(2)
  })

  it("traces regex machines one symbol at a time with the same outcome as the fast path", () => {
    const m = () => Either.getOrThrow(regex("(ab+)((,[ ]*)(ab+))*", { context: "r" }))
    const gen = trace(m(), "abbbb, ab")
    let n = 0
    let r = gen.next()
    while (!r.done) {
      n++
      r = gen.next()
    }
    expect(n).toBe(10) // the initial state, then one transition per symbol
    expect(r.value).toEqual(run(m(), "abbbb, ab"))
  })
})

describe("incremental Parser", () => {
  it("suspends between chunks and resumes", () => {
    const p = new Parser(csv())
    expect(p.feed("ab,")._tag).toBe("NeedsInput")
    expect(p.feed(" ab")._tag).toBe("NeedsInput")
    const r = p.end()
    expect(Either.isRight(r) && r.right.data).toEqual({ csv: { input: "abab" } })
    expect(p.feed("more")).toBe(r)
  })
})

describe("binary fields", () => {
  it("decode little-endian integers and floats", () => {
    const b = new Uint8Array(8)
    const v = new DataView(b.buffer)
    const check = (field: Dfa | State, set: () => void, want: unknown) => {
      set()
      const r = run(field, b.slice())
      expect(Either.isRight(r) && getPath(r.right.data, "x")).toEqual(want)
    }
    check(USINT("x"), () => v.setUint8(0, 250), 250)
    check(SINT("x"), () => v.setInt8(0, -5), -5)
    check(UINT("x"), () => v.setUint16(0, 0xbeef, true), 0xbeef)
    check(INT("x"), () => v.setInt16(0, -2, true), -2)
    check(UDINT("x"), () => v.setUint32(0, 0xdeadbeef, true), 0xdeadbeef)
    check(DINT("x"), () => v.setInt32(0, -7, true), -7)
    check(ULINT("x"), () => v.setBigUint64(0, 2n ** 63n, true), 2n ** 63n)
    check(LINT("x"), () => v.setBigInt64(0, -3n, true), -3n)
    check(REAL("x"), () => v.setFloat32(0, 1.5, true), 1.5)
    check(LREAL("x"), () => v.setFloat64(0, Math.PI, true), Math.PI)
  })

  it("length-prefixed and fixed fields chain; a short field is NonTerminal", () => {
    const m = () => {
      const head = bytes("magic", 2)
      head.onEpsilon(lengthPrefixed("body", (c) => USINT(c)))
      return new Dfa("m", { initial: head, terminal: true })
    }
    const r = run(m(), Uint8Array.of(1, 2, 3, 9, 8, 7, 0xff))
    expect(Either.isRight(r) && r.right.data).toEqual({ magic: Uint8Array.of(1, 2), body: { length: 3, data: Uint8Array.of(9, 8, 7) } })
    expect(Either.isRight(r) && r.right.consumed).toBe(6)
    expect(Either.isLeft(run(m(), Uint8Array.of(1, 2, 3, 9)))).toBe(true)
  })
})
