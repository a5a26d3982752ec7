/**
 * Source, the symbol source every machine reads: bytes and text kinds, chunks fed and consumed
 * across their ends, push-back, what is available and remaining, surrogates and UTF-8 sequences
 * split across chunks (and left unfinished at the end), and nothing taken after end.
 */
import { describe, expect, it } from "vitest"
import { EOF, NEED, Source } from "../../src/dfa/source.js"

const drain = (s: Source) => {
  const out: Array<number> = []
  for (let c = s.next(); c >= 0; c = s.next()) out.push(c)
  return out
}

describe("Source", () => {
  it("bytes: chunks read in order across their ends, text fed as UTF-8, empty chunks and input after end ignored", () => {
    const s = new Source("bytes")
    s.feed(Uint8Array.of(1, 2))
    s.feed(new Uint8Array(0))
    s.feed("π")
    s.feed(Uint8Array.of(3))
    expect(s.available()).toBe(5)
    expect([s.next(), s.next()]).toEqual([1, 2])
    expect(s.available()).toBe(3)
    expect(Array.from(s.remaining() as Uint8Array)).toEqual([0xcf, 0x80, 3])
    s.push(9)
    s.push(8)
    expect(s.available()).toBe(5)
    expect(Array.from(s.remaining() as Uint8Array)).toEqual([8, 9, 0xcf, 0x80, 3])
    expect(s.sent).toBe(0)
    expect(s.peek()).toBe(8)
    expect(s.next()).toBe(8)
    expect(s.next()).toBe(9)
    expect(s.peek()).toBe(0xcf)
    expect(s.next()).toBe(0xcf)
    expect(s.next()).toBe(0x80)
    expect(s.next()).toBe(3)
    expect(s.next()).toBe(NEED)
    expect(s.sent).toBe(5)
    s.end()
    s.feed(Uint8Array.of(7))
    s.end()
    expect([s.peek(), s.next(), s.available(), s.sent]).toEqual([EOF, EOF, 0, 5])
    expect(Array.from(s.remaining() as Uint8Array)).toEqual([])
  })

  it("text: code points counted and kept whole (surrogate pairs), pushed symbols first in what remains", () => {
    const s = Source.of("a😀b😀")
    expect(s.kind).toBe("text")
    expect(s.ended).toBe(true)
    expect(s.available()).toBe(4)
    expect(s.next()).toBe(0x61)
    expect(s.next()).toBe(0x1f600)
    expect(s.available()).toBe(2)
    s.push(0x1f600)
    expect(s.remaining()).toBe("😀b😀")
    expect(drain(s)).toEqual([0x1f600, 0x62, 0x1f600])
    expect(s.next()).toBe(EOF)
    expect(Source.of(Uint8Array.of(5)).kind).toBe("bytes")
  })

  it("text: a surrogate pair or UTF-8 sequence split across chunks arrives whole; an unpaired one as it is", () => {
    const s = new Source("text")
    s.feed("x\ud83d")
    expect(s.available()).toBe(1) // the high surrogate waits for its partner
    expect(s.remaining()).toBe("x")
    s.feed("\ude00y")
    expect(s.available()).toBe(3)
    s.feed(Uint8Array.of(0xe2, 0x82))
    expect(s.available()).toBe(3) // an unfinished UTF-8 sequence is not a symbol yet
    s.feed(Uint8Array.of(0xac))
    expect(drain(s)).toEqual([0x78, 0x1f600, 0x79, 0x20ac])
    s.feed("\ud800z\udc00")
    s.feed("\ud83d")
    s.end()
    expect(drain(s)).toEqual([0xd800, 0x7a, 0xdc00, 0xd83d])
    const cut = new Source("text")
    cut.feed(Uint8Array.of(0x41, 0xe2, 0x82))
    cut.end()
    expect(drain(cut)).toEqual([0x41, 0xfffd])
  })

  it("text: a lone low surrogate counts as a symbol of its own, U+FFFF is one code unit, what remains spans chunks", () => {
    const lone = Source.of("a\udc00b")
    expect(lone.available()).toBe(3)
    const s = Source.of("\uffffa")
    expect([s.available(), ...drain(s)]).toEqual([2, 0xffff, 0x61])
    const two = new Source("text")
    two.feed("ab")
    two.feed("cd")
    two.next()
    expect([two.remaining(), two.available()]).toEqual(["bcd", 3])
  })
})
