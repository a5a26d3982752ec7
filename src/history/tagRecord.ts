/**
 * Tag records: the history records `--historize` and `cpppo enip poll` write, read back as what
 * they say about a tag — `["SCADA", [0, 3]]` with `{"read": [...]}` or `{"write": [...]}` (values,
 * with an optional `"type": "INT"` from the poller), or `{"error": "..."}` (a failure: a CIP
 * `"status"`, or `"gap": true` when the poller had lost the controller).
 */
import type { HistoryRecord } from "./record.js"

/** What one record says about a run of a tag's elements. */
export interface TagRecord {
  readonly name: string
  readonly start: number
  /** Elements covered (values.length when there are values). */
  readonly count: number
  readonly values?: ReadonlyArray<number | boolean | string>
  /** The CIP type recorded with the values (the poller records it). */
  readonly type?: string
  /** A failure recorded instead of values. */
  readonly error?: { readonly message: string; readonly status?: number; readonly extStatus?: ReadonlyArray<number>; readonly gap: boolean }
}

const isValue = (v: unknown): v is number | boolean | string => typeof v === "number" || typeof v === "boolean" || typeof v === "string"

/** Read a record as a tag record, or undefined when it is not one. */
export const tagRecordOf = (record: HistoryRecord): TagRecord | undefined => {
  const serial = record.serial
  if (!Array.isArray(serial) || serial.length !== 2 || typeof serial[0] !== "string") return undefined
  const range = serial[1] as unknown
  if (!Array.isArray(range) || range.length !== 2 || !Number.isSafeInteger(range[0]) || !Number.isSafeInteger(range[1])) return undefined
  const [first, last] = range as [number, number]
  if (first < 0 || last < first) return undefined
  const data = record.data as Record<string, unknown> | null
  if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined
  const name = serial[0]
  const values = Array.isArray(data["read"]) ? data["read"] : Array.isArray(data["write"]) ? data["write"] : undefined
  if (values !== undefined) {
    if (!values.every(isValue)) return undefined
    const type = typeof data["type"] === "string" ? data["type"] : undefined
    return { name, start: first, count: values.length, values: values as ReadonlyArray<number | boolean | string>, ...(type !== undefined ? { type } : {}) }
  }
  if (typeof data["error"] === "string") {
    const status = Number.isInteger(data["status"]) ? (data["status"] as number) : undefined
    const ext = Array.isArray(data["ext"]) && (data["ext"] as Array<unknown>).every(Number.isInteger) ? (data["ext"] as Array<number>) : undefined
    return {
      name, start: first, count: last - first + 1,
      error: { message: data["error"], gap: data["gap"] === true, ...(status !== undefined ? { status } : {}), ...(ext !== undefined ? { extStatus: ext } : {}) }
    }
  }
  return undefined
}
