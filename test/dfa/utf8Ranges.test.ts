/**
 * utf8Sequences at every boundary that matters (encoding lengths, continuation blocks,
 * surrogates): the byte-range sequences of a code point range match the UTF-8 encodings of
 * exactly its code points, each by one sequence, and no other byte string (their sizes add up to
 * the number of code points).
 */
import { describe, expect, it } from "vitest"
import { utf8Sequences } from "../../src/dfa/utf8.js"

const BOUNDS = [0, 1, 0x7f, 0x80, 0xbf, 0xc0, 0x7ff, 0x800, 0x83f, 0x840, 0xfff, 0x1000, 0xd7ff, 0xd800, 0xdfff, 0xe000,
  0xfffe, 0xffff, 0x10000, 0x1003f, 0x10040, 0x10fff, 0x11000, 0x3ffff, 0x40000, 0x10fffe, 0x10ffff]
const encode = (cp: number) => Array.from(new TextEncoder().encode(String.fromCodePoint(cp)))
const surrogate = (cp: number) => cp >= 0xd800 && cp <= 0xdfff
const valid = (lo: number, hi: number) => hi - lo + 1 - Math.max(0, Math.min(hi, 0xdfff) - Math.max(lo, 0xd800) + 1)

describe("utf8Sequences", () => {
  it("each encoded code point of the range is matched by exactly one sequence; none outside; sizes add up", () => {
    const probes = [...new Set(BOUNDS.flatMap((b) => [b - 1, b, b + 1]).filter((b) => b >= 0 && b <= 0x10ffff && !surrogate(b)))]
    const encoded = probes.map(encode)
    const wrong: Array<string> = []
    for (const lo of BOUNDS) {
      for (const hi of BOUNDS) {
        if (hi < lo) continue
        const range = `${lo.toString(16)}..${hi.toString(16)}`
        const seqs = utf8Sequences(lo, hi)
        const size = seqs.reduce((n, s) => n + s.reduce((m, [l, h]) => m * (h - l + 1), 1), 0)
        if (size !== valid(lo, hi)) wrong.push(`${range}: ${size} byte strings for ${valid(lo, hi)} code points`)
        if (!seqs.every((s) => s.every(([l, h]) => l <= h && l >= 0 && h <= 0xff))) wrong.push(`${range}: a range is not of bytes`)
        probes.forEach((p, k) => {
          const enc = encoded[k]!
          const hits = seqs.filter((s) => s.length === enc.length && s.every(([l, h], i) => enc[i]! >= l && enc[i]! <= h)).length
          if (hits !== (p >= lo && p <= hi ? 1 : 0)) wrong.push(`U+${p.toString(16)} in ${range}: ${hits} sequences`)
        })
      }
    }
    expect(wrong).toEqual([])
  })

  it("the sequences of small ranges, byte for byte", () => {
    expect(utf8Sequences(0x41, 0x5a)).toEqual([[[0x41, 0x5a]]])
    // One-byte ranges stay whole across the 0x3F/0x40 continuation boundary (they have no continuation bytes).
    expect(utf8Sequences(0x20, 0x7f)).toEqual([[[0x20, 0x7f]]])
    expect(utf8Sequences(0, 0x7f)).toEqual([[[0, 0x7f]]])
    expect(utf8Sequences(0x70, 0x90)).toEqual([[[0x70, 0x7f]], [[0xc2, 0xc2], [0x80, 0x90]]])
    expect(utf8Sequences(0x3c0, 0x3c0)).toEqual([[[0xcf, 0xcf], [0x80, 0x80]]])
    expect(utf8Sequences(0x7fe, 0x801)).toEqual([[[0xdf, 0xdf], [0xbe, 0xbf]], [[0xe0, 0xe0], [0xa0, 0xa0], [0x80, 0x81]]])
    expect(utf8Sequences(0xd7ff, 0xe000)).toEqual([[[0xed, 0xed], [0x9f, 0x9f], [0xbf, 0xbf]], [[0xee, 0xee], [0x80, 0x80], [0x80, 0x80]]])
    expect(utf8Sequences(0x1f600, 0x1f64f)).toEqual([[[0xf0, 0xf0], [0x9f, 0x9f], [0x98, 0x98], [0x80, 0xbf]], [[0xf0, 0xf0], [0x9f, 0x9f], [0x99, 0x99], [0x80, 0x8f]]])
    expect(utf8Sequences(0x800, 0xffff).length).toBeGreaterThan(1)
    expect(utf8Sequences(5, 4)).toEqual([])
    expect(utf8Sequences(0xd800, 0xdfff)).toEqual([])
  })
})
