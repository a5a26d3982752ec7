/**
 * Values as Python's `repr` prints them, the form cpppo's `--print` output uses on both sides
 * (the server's tag I/O lines and the client's results): `'text'`, `1.0`, `True`.
 */
import { type ElementType, memberElement } from "../cip/element.js"
import type { StructLayout } from "../cip/layout.js"
import type { CipValue, TypeName } from "../cip/types.js"

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
    // Python escapes what it does not print: controls, NO-BREAK SPACE (a separator) and SOFT HYPHEN (a format character).
    else if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c === 0xad) out += `\\x${c.toString(16).padStart(2, "0")}`
    else out += ch
  }
  return out + quote
}

/** Python `repr` of one value of a CIP type (REAL/LREAL print as floats, BOOL as True/False). */
export const pyValue = (v: CipValue | ReadonlyArray<CipValue>, type?: string): string => {
  if (typeof v === "boolean") return v ? "True" : "False"
  if (typeof v === "bigint") return v.toString()
  if (typeof v === "string") return pyString(v)
  if (typeof v === "number") return type === "REAL" || type === "LREAL" || !Number.isInteger(v) ? pyFloat(v) : String(v)
  // A structure as Python prints a dict (pycomm3 reads structures as dicts), arrays as lists.
  if (Array.isArray(v)) return `[${v.map((x) => pyValue(x)).join(", ")}]`
  return `{${Object.entries(v).map(([k, x]) => `${pyString(k)}: ${pyValue(x)}`).join(", ")}}`
}

/** Python `repr` of a structure element, each member as its type prints (REAL 0 as `0.0`). */
export const pyStruct = (v: CipValue, layout: StructLayout): string => {
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
