/**
 * Code point ranges as UTF-8 byte-range sequences, so a machine compiled over code points can be
 * re-expressed over bytes (cpppo's `regex_bytes`).
 *
 * @module
 */

/** One byte position of a sequence: the inclusive byte range allowed there. */
export type ByteRange = readonly [number, number]

const MAX_BY_LEN = [0x7f, 0x7ff, 0xffff, 0x10ffff] as const

const encode = (cp: number): Array<number> => {
  if (cp <= 0x7f) return [cp]
  if (cp <= 0x7ff) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)]
  if (cp <= 0xffff) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
}

/**
 * Splits the code point range `lo..hi` into sequences of byte ranges whose concatenation matches
 * exactly the UTF-8 encodings of the code points in the range. Surrogates (U+D800–U+DFFF) have no
 * UTF-8 encoding and are left out.
 */
export const utf8Sequences = (lo: number, hi: number): Array<Array<ByteRange>> => {
  const out: Array<Array<ByteRange>> = []
  const split = (a: number, b: number): void => {
    if (a > b) return
    // Leave out surrogates.
    if (a <= 0xdfff && b >= 0xd800) {
      split(a, 0xd7ff)
      split(0xe000, b)
      return
    }
    // Split at the boundaries between encoding lengths.
    for (const max of MAX_BY_LEN) {
      if (a <= max && b > max) {
        split(a, max)
        split(max + 1, b)
        return
      }
    }
    if (b <= 0x7f) {
      out.push([[a, b]])
      return
    }
    // Split so that every continuation position spans a whole 0x80..0xBF block or one value.
    for (let i = 1; i < 4; i++) {
      const m = (1 << (6 * i)) - 1
      if ((a & ~m) !== (b & ~m)) {
        if ((a & m) !== 0) {
          split(a, a | m)
          split((a | m) + 1, b)
          return
        }
        if ((b & m) !== m) {
          split(a, (b & ~m) - 1)
          split(b & ~m, b)
          return
        }
      }
    }
    const ea = encode(a)
    const eb = encode(b)
    out.push(ea.map((x, i) => [x, eb[i]!] as ByteRange))
  }
  split(lo, hi)
  return out
}
