/**
 * A Modbus device's registers kept in a TagStore: every maximal run of defined addresses in one
 * table is one tag, named by its first address (`40001`, `1`, `300001`), UINT per register and
 * BOOL per coil or discrete input. So the web API (`tags/40001/attribute[3]=4`), forced errors,
 * tag events (`-p`, `--historize`) and custom Attributes work on Modbus registers unchanged.
 *
 * Addresses nobody defined answer exception 02, as a sparse PLC (and cpppo's modbus_sim) does.
 */
import { Either } from "effect"
import type { TagSpec } from "../tags/spec.js"
import type { Tag } from "../tags/tagStore.js"
import { type AddressError, format, parseRangeSpec, type RangeSpec, type RegisterRange, type Table, TABLES } from "./addresses.js"

/** One run of contiguous defined addresses: a tag. */
export interface RegisterRun extends RegisterRange {
  /** The tag name: the run's first address (`40001`). */
  readonly name: string
  /** Initial values, one per element. */
  readonly values: ReadonlyArray<number>
}

/**
 * Merge range specs into runs: later specs override earlier values; adjacent or overlapping
 * ranges of one table join into one run. Fails on a spec that does not parse.
 */
export const planRuns = (specs: ReadonlyArray<string | RangeSpec>): Either.Either<ReadonlyArray<RegisterRun>, AddressError> =>
  Either.gen(function* () {
    const defined = new Map<Table, Int32Array>()
    for (const s of specs) {
      const spec = typeof s === "string" ? yield* parseRangeSpec(s, 0) : s
      let cells = defined.get(spec.table)
      if (cells === undefined) { cells = new Int32Array(65536).fill(-1); defined.set(spec.table, cells) }
      for (let i = 0; i < spec.count; i++) cells[spec.offset + i] = spec.values.length > 0 ? spec.values[i]! : Math.max(0, cells[spec.offset + i]!)
    }
    const runs: Array<RegisterRun> = []
    for (const table of ["coils", "discrete", "input", "holding"] as const) {
      const cells = defined.get(table)
      if (cells === undefined) continue
      let i = 0
      while (i < 65536) {
        if (cells[i]! < 0) { i++; continue }
        const start = i
        while (i < 65536 && cells[i]! >= 0) i++
        const values = Array.from(cells.subarray(start, i))
        runs.push({ table, offset: start, count: i - start, name: format({ table, offset: start }), values })
      }
    }
    return runs
  })

/** The tag spec of a run. */
export const runSpec = (r: RegisterRun): TagSpec => ({
  name: r.name,
  type: TABLES[r.table].bits ? "BOOL" : "UINT",
  count: r.count,
  scalar: r.count === 1,
  // One byte per coil or input (the handler reads and writes them so), not a Logix BOOL array.
  ...(TABLES[r.table].bits ? { unpacked: true } : {})
})

/** A run bound to its tag in the store. */
export interface BoundRun extends RegisterRun {
  readonly tag: Tag
}

/** Find, per table, the run holding a whole range (binary search over the sorted runs). */
export interface RegisterMap {
  readonly runs: ReadonlyArray<BoundRun>
  /** The run holding `[offset, offset+count)`, or undefined (exception 02). */
  readonly find: (table: Table, offset: number, count: number) => BoundRun | undefined
  /** The run of a tag name (for printing events with absolute addresses). */
  readonly byName: (name: string) => BoundRun | undefined
}

export const makeRegisterMap = (runs: ReadonlyArray<BoundRun>): RegisterMap => {
  const perTable = new Map<Table, Array<BoundRun>>()
  const names = new Map<string, BoundRun>()
  for (const r of runs) {
    const list = perTable.get(r.table) ?? []
    list.push(r)
    perTable.set(r.table, list)
    names.set(r.name, r)
  }
  return {
    runs,
    byName: (name) => names.get(name),
    find: (table, offset, count) => {
      const list = perTable.get(table)
      if (list === undefined) return undefined
      let lo = 0
      let hi = list.length - 1
      while (lo <= hi) {
        const mid = (lo + hi) >> 1
        const r = list[mid]!
        if (offset < r.offset) hi = mid - 1
        else if (offset >= r.offset + r.count) lo = mid + 1
        else return offset + count <= r.offset + r.count ? r : undefined
      }
      return undefined
    }
  }
}
