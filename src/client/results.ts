/**
 * Results of client operations, and their one-line rendering in cpppo's `--print` format:
 *
 * ```
 *             SCADA[3][  3-3  ]+  0 <= [4]: 'OK'
 *                DINT1              == None: 'Status 8 (service not supported)'
 * ```
 *
 * Values are rendered as Python's `repr` would (cpppo prints with `%r`), so output matches.
 */
import { describeStatus } from "../cip/status.js"
import type { Outcome } from "./jobs.js"
import { pyString, pyStruct, pyValue } from "../tags/pyRepr.js"
import { printTarget, type Operation } from "./operations.js"

export { pyString, pyValue }

/**
 * What one operation came to. `ok` is true when the CIP status was 0. `values` holds the values
 * read (or, for a write, the values written); `raw` the bytes of an attribute or of a type we
 * cannot decode. `error` is set when no CIP reply came (timeout, connection lost).
 */
export interface OperationResult extends Outcome {
  readonly index: number
  readonly operation: Operation
}

/** The totals cpppo's `process` returns: failed operations and every result, in order. */
export interface ProcessSummary {
  readonly failures: number
  readonly transactions: ReadonlyArray<OperationResult>
}

const pyList = (r: OperationResult): string => {
  if (r.values !== undefined && r.structure !== undefined) return `[${r.values.map((v) => pyStruct(v, r.structure!)).join(", ")}]`
  if (r.values !== undefined) return `[${r.values.map((v) => pyValue(v, r.type)).join(", ")}]`
  if (r.raw !== undefined) return `[${Array.from(r.raw).join(", ")}]`
  return r.ok ? "True" : "None"
}

/** The result text: `OK`, `Status 8 (service not supported)`, or the transport error. */
export const resultText = (r: OperationResult): string => {
  if (r.ok) return "OK"
  if (r.error !== undefined) return r.error.message
  return describeStatus(r.status, r.extStatus)
}

/** The tag as cpppo's `format_path` shows it: the path with its first index, numeric class in hex. */
const formatTag = (op: Operation): string => {
  const t = op.target
  if (t._tag === "Numeric") {
    const idx = op.element !== undefined ? `[${op.element}]` : ""
    return `@0x${t.classId.toString(16).toUpperCase().padStart(4, "0")}/${t.instance}${t.attribute !== undefined ? `/${t.attribute}` : ""}${idx}`
  }
  return printTarget({ target: t, ...(op.element !== undefined ? { element: op.element } : {}), ...(op.bit !== undefined ? { bit: op.bit } : {}) })
}

/** One line per operation, exactly as cpppo's client prints it with `--print`. */
export const formatResult = (r: OperationResult): string => {
  const op = r.operation
  const act = op.method === "write" ? "<=" : "=="
  const tag = formatTag(op).padStart(20)
  const val = r.ok || op.method === "write" ? pyList(r) : "None"
  const res = pyString(resultText(r))
  if (op.element === undefined) return `${tag}              ${act} ${val}: ${res}`
  const count = op.method === "read" && op.offset !== undefined && r.values !== undefined ? r.values.length : (op.elements ?? 1)
  const first = String(op.element).padStart(3)
  const last = String(op.element + count - 1).padEnd(3)
  const off = String(op.offset ?? 0).padStart(3)
  return `${tag}[${first}-${last}]+${off} ${act} ${val}: ${res}`
}

/** The closing `-v` line: `Client Tag I/O Average 1234.567 TPS (  0.001s ea).` */
export const formatAverage = (operations: number, seconds: number): string => {
  const tps = seconds > 0 ? operations / seconds : 0
  const each = operations > 0 ? seconds / operations : 0
  return `Client Tag I/O Average ${tps.toFixed(3).padStart(7)} TPS (${each.toFixed(3).padStart(7)}s ea).`
}
