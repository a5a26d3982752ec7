/**
 * Shell-style globs (`*`, `?`, `[abc]`, `[!abc]`, `[a-z]`), case-insensitive and anchored, matched
 * in linear time: the pattern is compiled once into single-character tokens and stars, and a name
 * is matched by the iterative two-pointer method, which remembers only the last star. No RegExp and
 * no backtracking over earlier stars, so `*****…Z` costs O(pattern × name) at worst, never the
 * exponential time a `.*.*.*…` RegExp takes on a near miss (one unauthenticated GET could freeze
 * the process that way).
 */
import { Either } from "effect"

/** Longest pattern accepted (the API's names are tag names and `127_0_0_1_52590` keys). */
export const MAX_GLOB_LENGTH = 256

/** One position of a compiled glob. */
type Token =
  | { readonly _tag: "Star" }
  | { readonly _tag: "Any" }
  | { readonly _tag: "Char"; readonly char: string }
  | { readonly _tag: "Class"; readonly negate: boolean; readonly ranges: ReadonlyArray<readonly [number, number]> }

/** A compiled glob. */
export interface Glob {
  readonly pattern: string
  /** Does the whole of `name` match (case-insensitive)? */
  readonly test: (name: string) => boolean
}

/** True when `pattern` has glob metacharacters (so matching nothing is not an error). */
export const isGlob = (pattern: string): boolean => /[*?[]/.test(pattern)

const inClass = (t: Extract<Token, { _tag: "Class" }>, c: string): boolean => {
  // Case-insensitive: the character matches if it or its other case falls in a range.
  const codes = [c.charCodeAt(0), c.toLowerCase().charCodeAt(0), c.toUpperCase().charCodeAt(0)]
  const hit = t.ranges.some(([lo, hi]) => codes.some((x) => x >= lo && x <= hi))
  return hit !== t.negate
}

const matchOne = (t: Token, c: string): boolean =>
  t._tag === "Any" ? true : t._tag === "Char" ? t.char === c.toLowerCase() : t._tag === "Class" ? inClass(t, c) : false

/** What a reversed range (`[z-a]`) means: a refusal (the API's), or nothing matched (fnmatch's). */
export type ReversedRange = "refuse" | "empty"

/**
 * Parse the class body after `[` (and `!`/`^`); the first character may be `]`. Ranges are read as
 * fnmatch and RegExp read them: `b-z-a` is b-z, "-", "a"; a dropped reversed range never joins its
 * neighbours into a new range.
 */
const parseClass = (
  pattern: string, at: number, reversed: ReversedRange
): Either.Either<{ readonly token: Token; readonly next: number } | undefined, string> => {
  let i = at + 1
  const negate = pattern[i] === "!" || pattern[i] === "^"
  if (negate) i++
  const close = pattern.indexOf("]", i + 1)
  if (close < 0) return Either.right(undefined) // an unclosed `[` is taken literally
  const body = pattern.slice(i, close)
  const ranges: Array<readonly [number, number]> = []
  for (let k = 0; k < body.length; k++) {
    const lo = body.charCodeAt(k)
    if (body[k + 1] === "-" && k + 2 < body.length) {
      const hi = body.charCodeAt(k + 2)
      if (hi < lo && reversed === "refuse") {
        return Either.left(`invalid glob ${JSON.stringify(pattern)}: range ${body.slice(k, k + 3)} is reversed`)
      }
      if (hi >= lo) ranges.push([lo, hi])
      k += 2
    } else ranges.push([lo, lo])
  }
  return Either.right({ token: { _tag: "Class", negate, ranges }, next: close + 1 })
}

/**
 * Compile a glob; Left (a message for the API's refusal) when it is too long, or has a reversed
 * range while `reversed` is "refuse" (the default: the web API answers `success: false`).
 */
export const compileGlob = (pattern: string, reversed: ReversedRange = "refuse"): Either.Either<Glob, string> => {
  if (pattern.length > MAX_GLOB_LENGTH) {
    return Either.left(`glob too long: ${pattern.length} characters (at most ${MAX_GLOB_LENGTH})`)
  }
  const tokens: Array<Token> = []
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!
    if (c === "*") {
      // Consecutive stars are one star.
      if (tokens[tokens.length - 1]?._tag !== "Star") tokens.push({ _tag: "Star" })
      i++
    } else if (c === "?") {
      tokens.push({ _tag: "Any" })
      i++
    } else if (c === "[") {
      const cls = parseClass(pattern, i, reversed)
      if (Either.isLeft(cls)) return Either.left(cls.left)
      if (cls.right === undefined) {
        tokens.push({ _tag: "Char", char: "[" })
        i++
      } else {
        tokens.push(cls.right.token)
        i = cls.right.next
      }
    } else {
      tokens.push({ _tag: "Char", char: c.toLowerCase() })
      i++
    }
  }
  const test = (name: string): boolean => {
    let p = 0
    let n = 0
    let star = -1 // token index just after the last star seen
    let resume = 0 // where the name resumes when that star absorbs one more character
    while (n < name.length) {
      const t = tokens[p]
      if (t !== undefined && t._tag !== "Star" && matchOne(t, name[n]!)) {
        p++
        n++
      } else if (t !== undefined && t._tag === "Star") {
        star = ++p
        resume = n
      } else if (star >= 0) {
        p = star
        n = ++resume
      } else return false
    }
    while (tokens[p]?._tag === "Star") p++
    return p === tokens.length
  }
  return Either.right({ pattern, test })
}

/**
 * Does `name` match the glob `pattern` (case-insensitive), as fnmatch decides: a reversed range
 * matches nothing; a pattern over MAX_GLOB_LENGTH matches nothing.
 */
export const globMatch = (pattern: string, name: string): boolean => {
  const glob = compileGlob(pattern, "empty")
  return Either.isRight(glob) && glob.right.test(name)
}
