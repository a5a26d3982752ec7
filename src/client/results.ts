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
import { memberElement, type ElementType } from "../cip/element.js"
import type { StructLayout } from "../cip/layout.js"
import { describeStatus } from "../cip/status.js"
import type { CipValue, TypeName } from "../cip/types.js"
import type { Outcome } from "./jobs.js"
import { printTarget, type Operation } from "./operations.js"

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

const pyFloat = (x: number): string => {
  if (Number.isNaN(x)) return "nan"
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf"
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0"
  const [mant, expText] = x.toExponential().split("e") as [string, string]
  const exp = Number(expText)
  const neg = mant.startsWith("-")
  const digits = mant.replace("-", "").replace(".", "")
  const sign = neg ? "-" : ""
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0")
  const frac = digits.slice(exp + 1)
  return `${sign}${intPart}.${frac.length > 0 ? frac : "0"}`
}

/** Python `repr` of a str. */
export const pyString = (s: string): string => {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'"
  let out = quote
  for (const ch of s) {
    const c = ch.codePointAt(0)!
    if (ch === "\\") out += "\\\\"
    else if (ch === quote) out += "\\" + quote
    else if (ch === "\n") out += "\\n"
    else if (ch === "\r") out += "\\r"
    else if (ch === "\t") out += "\\t"
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) out += `\\x${c.toString(16).padStart(2, "0")}`
    else out += ch
  }
  return out + quote
}

/** Python `repr` of one value of a CIP type (REAL/LREAL print as floats, BOOL as True/False). */
export const pyValue = (v: CipValue | ReadonlyArray<CipValue>, type?: TypeName): string => {
  if (typeof v === "boolean") return v ? "True" : "False"
  if (typeof v === "bigint") return v.toString()
  if (typeof v === "string") return pyString(v)
  if (typeof v === "number") return type === "REAL" || type === "LREAL" || !Number.isInteger(v) ? pyFloat(v) : String(v)
  // A structure as Python prints a dict (pycomm3 reads structures as dicts), arrays as lists.
  if (Array.isArray(v)) return `[${v.map((x) => pyValue(x)).join(", ")}]`
  return `{${Object.entries(v).map(([k, x]) => `${pyString(k)}: ${pyValue(x)}`).join(", ")}}`
}

/** Python `repr` of a structure element, each member as its type prints (REAL 0 as `0.0`). */
const pyStruct = (v: CipValue, layout: StructLayout): string => {
  if (typeof v !== "object") return pyValue(v)
  const parts: Array<string> = []
  for (const m of layout.members) {
    if (m.hidden || !(m.name in v)) continue
    const t = memberElement(m)
    const one = (x: CipValue): string => (t._tag === "Struct" ? pyStruct(x, t.layout) : pyValue(x, typeOf(t)))
    const x = v[m.name]!
    parts.push(`${pyString(m.name)}: ${Array.isArray(x) ? `[${x.map(one).join(", ")}]` : one(x as CipValue)}`)
  }
  return `{${parts.join(", ")}}`
}
const typeOf = (t: ElementType): TypeName | undefined => (t._tag === "Atomic" ? t.name : undefined)

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
