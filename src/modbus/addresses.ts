/**
 * Modbus register addresses as people write them: one-based numbers whose leading digit names the
 * table, in the 5-digit form (`40001` = holding register 1) or the 6-digit form (`400001`), and
 * cpppo's range specs `<begin>[-<end>][=<val>[,<val>…]]`.
 *
 * | table              | 5-digit        | 6-digit          | wire addresses |
 * |--------------------|----------------|------------------|----------------|
 * | coils              | 1-9999         | 000001-065536    | 0-65535        |
 * | discrete inputs    | 10001-19999    | 100001-165536    | 0-65535        |
 * | input registers    | 30001-39999    | 300001-365536    | 0-65535        |
 * | holding registers  | 40001-99999    | 400001-465536    | 0-65535        |
 *
 * Holding registers go up to 99999 in the 5-digit form, as cpppo's modbus_sim takes them; a coil
 * above 9999 needs the 6-digit form with its leading zero (`010000`).
 */
import { Data, Either } from "effect"

export type Table = "coils" | "discrete" | "input" | "holding"

/** The tables, with the read function code and whether each element is a bit. */
export const TABLES: Readonly<Record<Table, { readonly bits: boolean; readonly writable: boolean; readonly readFc: number; readonly base5: number; readonly base6: number }>> = {
  coils: { bits: true, writable: true, readFc: 1, base5: 0, base6: 0 },
  discrete: { bits: true, writable: false, readFc: 2, base5: 10000, base6: 100000 },
  input: { bits: false, writable: false, readFc: 4, base5: 30000, base6: 300000 },
  holding: { bits: false, writable: true, readFc: 3, base5: 40000, base6: 400000 }
}

/** A register (or coil) address: its table and its zero-based wire address. */
export interface RegisterAddress {
  readonly table: Table
  /** Zero-based address as carried on the wire (0..65535). */
  readonly offset: number
}

/** A contiguous range of one table. */
export interface RegisterRange extends RegisterAddress {
  readonly count: number
}

/** A register spec or address that cannot be parsed; the message names it. */
export class AddressError extends Data.TaggedError("AddressError")<{ readonly message: string }> {}

const bad = (text: string, why: string) => Either.left(new AddressError({ message: `bad register ${JSON.stringify(text)}: ${why}` }))

/** Parse one address (`40001`, `400001`, `1`, `010000`), as written (the digits decide the form). */
export const parseAddress = (text: string): Either.Either<RegisterAddress, AddressError> => {
  const t = text.trim()
  if (!/^\d{1,6}$/.test(t)) return bad(text, "expected a register number like 40001 or 400001")
  const n = Number.parseInt(t, 10)
  if (t.length === 6) {
    const lead = t[0]
    const table: Table | undefined = lead === "0" ? "coils" : lead === "1" ? "discrete" : lead === "3" ? "input" : lead === "4" ? "holding" : undefined
    if (table === undefined) return bad(text, "a 6-digit register starts with 0, 1, 3 or 4")
    const one = n - TABLES[table].base6
    if (one < 1 || one > 65536) return bad(text, `out of range ${format({ table, offset: 0 }, 6)}-${format({ table, offset: 65535 }, 6)}`)
    return Either.right({ table, offset: one - 1 })
  }
  if (n >= 1 && n <= 9999) return Either.right({ table: "coils", offset: n - 1 })
  if (n >= 10001 && n <= 19999) return Either.right({ table: "discrete", offset: n - 10001 })
  if (n >= 30001 && n <= 39999) return Either.right({ table: "input", offset: n - 30001 })
  if (n >= 40001 && n <= 99999) return Either.right({ table: "holding", offset: n - 40001 })
  return bad(text, "not in a Modbus table (1-9999 coils, 10001- discrete inputs, 30001- input registers, 40001- holding registers)")
}

/**
 * Render an address in the 5-digit form when it fits (coils ≤ 9999, discrete/input ≤ 9999 of
 * their table, holding ≤ 59999), else the 6-digit form; or force a form with `digits`.
 */
export const format = (a: RegisterAddress, digits?: 5 | 6): string => {
  const one = a.offset + 1
  const t = TABLES[a.table]
  const fits5 = a.table === "holding" ? one <= 59999 : one <= 9999
  if (digits === 6 || (digits === undefined && !fits5)) return String(t.base6 + one).padStart(6, "0")
  return String(t.base5 + one)
}

/** A parsed spec: a range and its values (one per element), or no values. */
export interface RangeSpec extends RegisterRange {
  /** Initial values (servers) or values to write (poll), one per element; empty when not given. */
  readonly values: ReadonlyArray<number>
  /** The text as given. */
  readonly text: string
}

const VALUE = /^(?:0x[0-9a-f]+|-?\d+)$/i

/**
 * Parse `<begin>[-<end>][=<val>[,<val>…]]` as cpppo does: values repeat to fill the range; with
 * only `<begin>=v1,v2,…` the range is as long as the values. Values are 0..65535 (registers) or
 * 0/1 (coils); hex `0x…` is accepted. `defaultValue` fills a range given without values.
 */
export const parseRangeSpec = (text: string, defaultValue?: number): Either.Either<RangeSpec, AddressError> =>
  Either.gen(function* () {
    const m = /^\s*([0-9]+)\s*(?:-\s*([0-9]+)\s*)?(?:=(.*))?$/.exec(text)
    if (m === null) return yield* bad(text, "expected <begin>[-<end>][=<value>[,<value>…]]")
    const begin = yield* parseAddress(m[1]!)
    let end = begin
    if (m[2] !== undefined) {
      end = yield* parseAddress(m[2])
      if (end.table !== begin.table) return yield* bad(text, "the range crosses from one table into another")
      if (end.offset < begin.offset) return yield* bad(text, "the end is before the beginning")
    }
    let values: Array<number> = []
    if (m[3] !== undefined) {
      const parts = m[3].split(",").map((s) => s.trim())
      for (const p of parts) {
        if (!VALUE.test(p)) return yield* bad(text, `value ${JSON.stringify(p)} is not an integer`)
        const v = Number(p)
        const bits = TABLES[begin.table].bits
        if (bits ? v !== 0 && v !== 1 : v < 0 || v > 0xffff) return yield* bad(text, `value ${p} is outside ${bits ? "0..1 (a coil)" : "0..65535 (a register)"}`)
        values.push(v)
      }
      if (m[2] === undefined) {
        const last = begin.offset + values.length - 1
        if (last > 65535) return yield* bad(text, "the values run past the end of the table")
        end = { table: begin.table, offset: last }
      }
    }
    const count = end.offset - begin.offset + 1
    if (values.length === 0 && defaultValue !== undefined) values = [defaultValue]
    if (values.length > 0 && values.length !== count) {
      const filled: Array<number> = []
      for (let i = 0; i < count; i++) filled.push(values[i % values.length]!)
      values = filled
    }
    return { table: begin.table, offset: begin.offset, count, values, text }
  })

/** `40001-40010` (one element: `40001`), in the form `format` picks for the first address. */
export const formatRange = (r: RegisterRange): string => {
  const digits = format(r).length === 6 || format({ table: r.table, offset: r.offset + r.count - 1 }).length === 6 ? 6 : 5
  const a = format(r, digits)
  return r.count === 1 ? a : `${a}-${format({ table: r.table, offset: r.offset + r.count - 1 }, digits)}`
}
