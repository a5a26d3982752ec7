/**
 * What every coverage-guided fuzz target asserts: decoders return a typed failure or a value,
 * never throw; a value they return encodes back to what they accept (round trip). A broken
 * contract throws `ContractBroken`, which the fuzzer reports as a finding with the input.
 */
import { Either } from "effect"
import { CodecError } from "../../../src/cip/errors.js"

export class ContractBroken extends Error {
  override readonly name = "ContractBroken"
}

/** Fail the run with `message` (a finding). */
export const broken = (message: string): never => {
  throw new ContractBroken(message)
}

const REASONS = new Set(["Truncated", "BadLength", "BadSegment", "BadOffset", "BadValue", "TooLarge", "Unsupported"])

/** A decoder's Either: its failure must be a CodecError with a known reason and an offset. */
export const codec = <A>(what: string, r: Either.Either<A, unknown>): A | undefined => {
  if (Either.isRight(r)) return r.right
  const e = r.left
  if (!(e instanceof CodecError) || !REASONS.has(e.reason) || !Number.isInteger(e.offset)) {
    broken(`${what}: failure is not a CodecError with a known reason: ${String(e)}`)
  }
  return undefined
}

/** Structural equality for decoded values: plain objects, arrays, typed arrays, primitives (NaN equals NaN). */
export const same = (a: unknown, b: unknown): boolean => {
  // === (not Object.is): −0 and 0 are the same value on the wire and in JSON.
  if (a === b) return true
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i])
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b)
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false
  return sameFields(a, b)
}

const sameFields = (a: object, b: object): boolean => {
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined)
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined)
  if (ka.length !== kb.length) return false
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

/** Round trip: `again` (decoded from the encoding of `first`) must equal `first`. */
export const roundTrip = (what: string, first: unknown, again: unknown): void => {
  if (!same(first, again)) broken(`${what}: decode(encode(x)) differs from x\n  x     ${show(first)}\n  again ${show(again)}`)
}

/** A readable rendering of decoded values (bytes as hex). */
export const show = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => x instanceof Uint8Array ? `hex:${Buffer.from(x).toString("hex")}` : typeof x === "bigint" ? `${x}n` : x)?.slice(0, 2000) ?? String(v)

export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex")
