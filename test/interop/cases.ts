/**
 * What the Python interop cases share: the case shape (a script and a check of its output), and
 * the comparison of values as Python printed them with values our client read.
 */
import { afterAll, beforeAll, describe, it } from "@effect/vitest"
import type { CipValue } from "../../src/cip/types.js"
import type { TagStoreService } from "../../src/tags/tagStore.js"
import { type PyOut, pythonSkip, runPython } from "./python.js"
import { PY_TAGS, readWithClient, type Running, startSimulator } from "./simulator.js"

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

/**
 * A describe block running `cases` against a simulator with the Python test tags (or `tags` and
 * the structures `udts`) on `host:44818` (the address is the file's own), each case a test;
 * skipped when Python is not here.
 */
export const describeCases = (
  title: string, host: string, cases: ReadonlyArray<PyCase>,
  config: { readonly tags: ReadonlyArray<string>; readonly udts?: ReadonlyArray<string> } = { tags: PY_TAGS }
): void => {
  describe.skipIf(pythonSkip !== undefined)(title, () => {
    let sim: Running
    beforeAll(async () => { sim = await startSimulator({ host, port: 44818, udp: false, ...config }) })
    afterAll(async () => { await sim?.stop() })
    for (const c of cases) {
      it(c.name, async () => {
        const python = (code: string) => runPython(code, host, sim.port)
        await c.check(await python(c.code), { host, port: sim.port, store: sim.store, python, readBack: (ops) => readWithClient(host, sim.port, ops) })
      }, 120_000)
    }
  })
}
