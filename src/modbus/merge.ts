/**
 * Planning poll requests: polled addresses are merged into ranges (per table; addresses fewer
 * than `reach` apart join, so the registers between them are read too), then cut to the
 * per-request limits (125 registers, 2000 coils or inputs), as cpppo's `merge`/`shatter` do.
 */
import type { RegisterAddress, RegisterRange, Table } from "./addresses.js"
import { LIMITS } from "./codec.js"

export interface RequestLimits {
  /** Most registers per read (default 125). */
  readonly registers?: number
  /** Most coils or discrete inputs per read (default 2000). */
  readonly bits?: number
}

const limitOf = (table: Table, limits: RequestLimits) =>
  table === "coils" || table === "discrete" ? Math.min(limits.bits ?? LIMITS.readBits, LIMITS.readBits) : Math.min(limits.registers ?? LIMITS.readRegisters, LIMITS.readRegisters)

/** Cut a range into pieces no longer than the table's limit. */
export const shatter = (r: RegisterRange, limits: RequestLimits = {}): Array<RegisterRange> => {
  const limit = limitOf(r.table, limits)
  const out: Array<RegisterRange> = []
  for (let at = 0; at < r.count; at += limit) out.push({ table: r.table, offset: r.offset + at, count: Math.min(limit, r.count - at) })
  return out
}

/**
 * Merge addresses (or ranges) into request ranges: sorted per table, joined when the next
 * starts fewer than `reach` (at least 1: adjacent) elements after the current one ends, cut
 * to the limits. `apart` lists ranges that must not be merged with their neighbours (a
 * merged read that failed because the device lacks the registers between them).
 */
export const mergeRanges = (
  ranges: ReadonlyArray<RegisterAddress | RegisterRange>,
  reach: number,
  limits: RequestLimits = {},
  apart: (r: RegisterRange) => boolean = () => false
): Array<RegisterRange> => {
  const byTable = new Map<Table, Array<RegisterRange>>()
  for (const r of ranges) {
    const range: RegisterRange = "count" in r ? r : { ...r, count: 1 }
    const list = byTable.get(range.table) ?? []
    list.push(range)
    byTable.set(range.table, list)
  }
  const out: Array<RegisterRange> = []
  const gap = Math.max(1, Math.floor(reach))
  for (const table of ["coils", "discrete", "input", "holding"] as const) {
    const list = byTable.get(table)
    if (list === undefined) continue
    list.sort((a, b) => a.offset - b.offset)
    let base = list[0]!.offset
    let end = base + list[0]!.count
    let lonely = apart(list[0]!)
    for (const r of list.slice(1)) {
      const alone = apart(r)
      if (r.offset < end + gap && !alone && !lonely) {
        end = Math.max(end, r.offset + r.count)
        continue
      }
      if (r.offset < end) { end = Math.max(end, r.offset + r.count); continue } // overlapping: always one
      out.push(...shatter({ table, offset: base, count: end - base }, limits))
      base = r.offset
      end = r.offset + r.count
      lonely = alone
    }
    out.push(...shatter({ table, offset: base, count: end - base }, limits))
  }
  return out
}
