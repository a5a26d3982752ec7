/**
 * What the Python interop cases share: the case shape (a script and a check of its output), and
 * the comparison of values as Python printed them with values our client read.
 */
import type { CipValue } from "../../src/cip/types.js"
import type { TagStoreService } from "../../src/tags/tagStore.js"
import type { PyOut } from "./python.js"

export interface CaseContext {
  readonly host: string
  readonly port: number
  readonly store: TagStoreService
  /** Read with our own client: one array of values per operation. */
  readonly readBack: (ops: ReadonlyArray<string>) => Promise<Array<ReadonlyArray<CipValue>>>
  /** Run another script (e.g. the other library reading what this one wrote). */
  readonly python: (code: string) => Promise<PyOut>
}

/** One interop case: a Python script (HOST, PORT in scope; fills `out`) and what must hold. */
export interface PyCase {
  readonly name: string
  readonly code: string
  readonly check: (out: PyOut, ctx: CaseContext) => Promise<void> | void
}

/**
 * A value in one comparable form: numbers and bigints as decimal text (Python's big ints arrive
 * as text), booleans and strings as they are, arrays and objects member by member.
 */
export const norm = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(norm)
    : typeof v === "number" || typeof v === "bigint" ? String(v)
    : typeof v === "object" && v !== null ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]))
    : v

/** `Tag[3]{5}` (pycomm3) / `Tag[3]` with a count → our client's `Tag[3-7]`. */
export const clientOp = (tag: string, count = 1): string => {
  const m = /^(.*)\[(\d+)\](?:\{(\d+)\})?$/.exec(tag)
  if (m === null) return tag
  const n = m[3] !== undefined ? Number(m[3]) : count
  const start = Number(m[2])
  return n > 1 ? `${m[1]}[${start}-${start + n - 1}]` : tag
}

/** Our client's values for an operation, as one value or a list (as Python gives them). */
export const asPython = (values: ReadonlyArray<CipValue>, list: boolean): unknown => (list ? norm(values) : norm(values[0]))
