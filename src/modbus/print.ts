/**
 * Printing register I/O (`cpppo modbus server -p`): the TagStore's events, with the absolute
 * register addresses instead of the run's tag name and index:
 * `  40004-40007 == [1, 2, 3, 4]`, `          1-3 <= [1, 0, 1]`, `        40001 !! exception 06 …`.
 */
import type { TagEvent } from "../tags/events.js"
import { formatRange } from "./addresses.js"
import { describeException } from "./codec.js"
import type { RegisterMap } from "./registers.js"

export const formatRegisterEvent = (registers: RegisterMap) => (e: TagEvent): string => {
  const run = registers.byName(e.name)
  const where = run === undefined ? `${e.name}[${e.start}]` : formatRange({ table: run.table, offset: run.offset + e.start, count: Math.max(1, e.count) })
  const vals = (e.values ?? []).map((v) => (typeof v === "boolean" ? (v ? "1" : "0") : String(v))).join(", ")
  const head = where.padStart(Math.max(13, where.length))
  switch (e.kind) {
    case "read": return `${head} == [${vals}]`
    case "write": return `${head} <= [${vals}]`
    case "error": {
      // A forced error is described as a CIP status by the store; a Modbus client saw the exception.
      const m = /^[^:]*: Status (\d+)\b/.exec(e.error ?? "")
      const code = m === null ? undefined : Number(m[1])
      return `${head} !! ${code !== undefined ? describeException(code >= 1 && code <= 11 ? code : 4) : e.error ?? "error"}`
    }
  }
}
