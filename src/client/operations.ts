/**
 * Client operations: the typed form of the strings a user writes on the command line
 * (`SCADA[0-9]`, `Tag=(DINT)1,2,3`, `@1/1/7`, …), their parser and their printer.
 *
 * `printOperation` is the inverse of `parseOperation` on parsed values: parsing what was printed
 * gives the same Operation back (property-tested).
 */
import { Data, Either } from "effect"
import type { EPath, Segment } from "../cip/model.js"
import { elementSize, isTypeName, type CipValue, type TypeName } from "../cip/types.js"

/** A bad operation string: what was given and why it was refused. */
export class OperationParseError extends Data.TaggedError("OperationParseError")<{
  readonly input: string
  readonly reason: string
}> {
  override get message(): string {
    return `invalid operation ${JSON.stringify(this.input)}: ${this.reason}`
  }
}

/** One name of a symbolic path, with an optional element index (`Tag[3]` inside `A[3].B`). */
export interface SymbolicName {
  readonly name: string
  readonly index?: number
}

/** Where an operation points: a symbolic tag path, or numeric `@class/instance/attribute`. */
export type Target =
  | { readonly _tag: "Symbolic"; readonly names: ReadonlyArray<SymbolicName> }
  | { readonly _tag: "Numeric"; readonly classId: number; readonly instance: number; readonly attribute?: number }

/**
 * A parsed operation. `element` is the index written in the last `[…]` (the start of a range),
 * `elements` the count of a `[a-b]` range, `offset` a `+N` byte offset (forces the Fragmented
 * services). A write carries `type` and `values`.
 */
export interface Operation {
  readonly method: "read" | "write"
  readonly target: Target
  readonly element?: number
  readonly elements?: number
  readonly offset?: number
  /**
   * A bit of an integer (`DINT1.5`, a BOOL array's DWORD `BOOLS[1].5`): read as the element then
   * masked, written by Read-Modify-Write, as pylogix and pycomm3 do.
   */
  readonly bit?: number
  readonly type?: TypeName
  readonly values?: ReadonlyArray<CipValue>
}

const NAME = /^[A-Za-z_:$][A-Za-z0-9_:$]*$/

/** Parse an unsigned integer in decimal, 0x, 0o or 0b (leading zeros are decimal, not octal). */
export const parseInteger = (text: string): number | undefined => {
  const t = text.trim()
  let m: RegExpExecArray | null
  if ((m = /^0[xX]([0-9a-fA-F]+)$/.exec(t))) return Number.parseInt(m[1]!, 16)
  if ((m = /^0[oO]([0-7]+)$/.exec(t))) return Number.parseInt(m[1]!, 8)
  if ((m = /^0[bB]([01]+)$/.exec(t))) return Number.parseInt(m[1]!, 2)
  if (/^[0-9]+$/.test(t)) return Number.parseInt(t, 10)
  return undefined
}

/** Signed integer literal (any base) as a bigint, or undefined. */
const parseBigInt = (text: string): bigint | undefined => {
  const t = text.trim()
  const neg = t.startsWith("-")
  const body = neg || t.startsWith("+") ? t.slice(1) : t
  let v: bigint | undefined
  if (/^0[xX][0-9a-fA-F]+$/.test(body) || /^0[oO][0-7]+$/.test(body) || /^0[bB][01]+$/.test(body)) v = BigInt(body.toLowerCase())
  else if (/^[0-9]+$/.test(body)) v = BigInt(body)
  if (v === undefined) return undefined
  return neg ? -v : v
}

const INT_RANGES: Partial<Record<TypeName, readonly [bigint, bigint]>> = {
  SINT: [-(2n ** 7n), 2n ** 7n - 1n],
  INT: [-(2n ** 15n), 2n ** 15n - 1n],
  DINT: [-(2n ** 31n), 2n ** 31n - 1n],
  LINT: [-(2n ** 63n), 2n ** 63n - 1n],
  USINT: [0n, 2n ** 8n - 1n],
  UINT: [0n, 2n ** 16n - 1n],
  UDINT: [0n, 2n ** 32n - 1n],
  DWORD: [0n, 2n ** 32n - 1n],
  ULINT: [0n, 2n ** 64n - 1n]
}

/** Split a value list on commas, honouring double-quoted fields (`""` is a quote inside one). */
const splitValues = (text: string): Either.Either<ReadonlyArray<{ text: string; quoted: boolean }>, string> => {
  const out: Array<{ text: string; quoted: boolean }> = []
  let i = 0
  for (;;) {
    while (text[i] === " " || text[i] === "\t") i++
    if (text[i] === '"') {
      let s = ""
      i++
      for (;;) {
        if (i >= text.length) return Either.left("unterminated quoted string")
        if (text[i] === '"') {
          if (text[i + 1] === '"') { s += '"'; i += 2; continue }
          i++
          break
        }
        s += text[i++]
      }
      while (text[i] === " " || text[i] === "\t") i++
      out.push({ text: s, quoted: true })
    } else {
      const j = text.indexOf(",", i)
      const field = (j < 0 ? text.slice(i) : text.slice(i, j)).trim()
      out.push({ text: field, quoted: false })
      i = j < 0 ? text.length : j
    }
    if (i >= text.length) return Either.right(out)
    if (text[i] !== ",") return Either.left(`unexpected ${JSON.stringify(text[i])} after a quoted value`)
    i++
  }
}

const castValue = (type: TypeName, field: { text: string; quoted: boolean }): Either.Either<CipValue, string> => {
  const t = field.text
  if (type === "STRING" || type === "SSTRING") {
    const max = type === "SSTRING" ? 255 : 82
    if (t.length > max) return Either.left(`${type} value longer than ${max} characters`)
    for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) > 0xff) return Either.left(`${type} value is not Latin-1`)
    return Either.right(t)
  }
  if (field.quoted) return Either.left(`quoted value ${JSON.stringify(t)} for ${type}`)
  if (type === "BOOL") {
    const l = t.toLowerCase()
    if (l === "true" || l === "1") return Either.right(true)
    if (l === "false" || l === "0") return Either.right(false)
    return Either.left(`invalid BOOL ${JSON.stringify(t)}`)
  }
  if (type === "REAL" || type === "LREAL") {
    const i = parseBigInt(t)
    if (i !== undefined) return Either.right(Number(i))
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && !/^[+-]?(inf|nan)$/i.test(t)) {
      return Either.left(`invalid ${type} ${JSON.stringify(t)}`)
    }
    const l = t.toLowerCase()
    return Either.right(l.endsWith("inf") ? (l.startsWith("-") ? -Infinity : Infinity) : l.endsWith("nan") ? Number.NaN : Number(t))
  }
  const v = parseBigInt(t)
  if (v === undefined) return Either.left(`invalid ${type} ${JSON.stringify(t)}`)
  const range = INT_RANGES[type]!
  if (v < range[0] || v > range[1]) return Either.left(`${type} value ${t} out of range ${range[0]}..${range[1]}`)
  return Either.right(type === "LINT" || type === "ULINT" ? v : Number(v))
}

/** Parse `Name[i]` / `Name[a-b]`: the name, index and optional range count. */
const parseIndexed = (text: string): Either.Either<{ name: string; index?: number; count?: number }, string> => {
  const m = /^([^[\]]*)(?:\[([^\]]*)\])?$/.exec(text)
  if (m === null) return Either.left(`malformed element index in ${JSON.stringify(text)}`)
  const name = m[1]!.trim()
  if (m[2] === undefined) return Either.right({ name })
  const range = m[2].split("-")
  if (range.length > 2) return Either.left(`malformed element range [${m[2]}]`)
  const first = parseInteger(range[0]!)
  if (first === undefined) return Either.left(`invalid element index ${JSON.stringify(range[0])}`)
  if (range.length === 1) return Either.right({ name, index: first })
  const last = parseInteger(range[1]!)
  if (last === undefined) return Either.left(`invalid element index ${JSON.stringify(range[1])}`)
  if (last < first) return Either.left(`invalid element range ${first}-${last}`)
  return Either.right({ name, index: first, count: last - first + 1 })
}

const MAX_ID = 0xffffffff

const parseTarget = (
  text: string
): Either.Either<{ target: Target; element?: number; elements?: number; bit?: number }, string> => {
  if (text.startsWith("@")) {
    const idx = parseIndexed(text.slice(1))
    if (Either.isLeft(idx)) return Either.left(idx.left)
    const { name, index, count } = idx.right
    const parts = name.split("/")
    if (parts.length < 2 || parts.length > 3) return Either.left("numeric address must be @class/instance[/attribute]")
    const nums: Array<number> = []
    for (const p of parts) {
      const n = parseInteger(p)
      if (n === undefined || n > MAX_ID) return Either.left(`invalid number ${JSON.stringify(p)} in numeric address`)
      nums.push(n)
    }
    if (index !== undefined && nums.length < 3) return Either.left("an element index needs @class/instance/attribute")
    const target: Target = nums.length === 3
      ? { _tag: "Numeric", classId: nums[0]!, instance: nums[1]!, attribute: nums[2]! }
      : { _tag: "Numeric", classId: nums[0]!, instance: nums[1]! }
    return Either.right({
      target,
      ...(index !== undefined ? { element: index } : {}),
      ...(count !== undefined ? { elements: count } : {})
    })
  }
  if (text.length === 0) return Either.left("missing tag name")
  const pieces = text.split(".")
  // `Tag.5`: a bit of the element before it.
  let bit: number | undefined
  if (pieces.length > 1 && /^\d+$/.test(pieces[pieces.length - 1]!)) {
    bit = Number(pieces.pop())
    if (bit > 63) return Either.left(`bit ${bit} is beyond any integer (0..63)`)
    if (/\[[^\]]*-/.test(pieces[pieces.length - 1]!)) return Either.left("a bit takes one element, not a range")
  }
  const names: Array<SymbolicName> = []
  let element: number | undefined
  let elements: number | undefined
  for (let i = 0; i < pieces.length; i++) {
    const idx = parseIndexed(pieces[i]!)
    if (Either.isLeft(idx)) return Either.left(idx.left)
    const { name, index, count } = idx.right
    if (!NAME.test(name)) return Either.left(`invalid tag name ${JSON.stringify(name)}`)
    const last = i === pieces.length - 1
    if (count !== undefined && !last) return Either.left("an element range may only end the tag")
    names.push(index !== undefined && !last ? { name, index } : { name })
    if (last) { element = index; elements = count }
  }
  return Either.right({
    target: { _tag: "Symbolic", names },
    ...(element !== undefined ? { element } : {}),
    ...(elements !== undefined ? { elements } : {}),
    ...(bit !== undefined ? { bit } : {})
  })
}

/** Options of the parser (cpppo's `parse_operations` keywords). */
export interface ParseOptions {
  /** Writes will use the Fragmented services (the element range then bounds, not equals, the data). */
  readonly fragment?: boolean
  /** Type of integer values written without a `(TYPE)` cast; default INT. */
  readonly intType?: TypeName
}

/** Parse one operation string; a mistake gives an `OperationParseError`, never a throw. */
export const parseOperation = (input: string, options: ParseOptions = {}): Either.Either<Operation, OperationParseError> => {
  const fail = (reason: string) => Either.left(new OperationParseError({ input, reason }))
  let tagText = input
  let valText: string | undefined
  const eq = input.indexOf("=")
  if (eq >= 0) { tagText = input.slice(0, eq); valText = input.slice(eq + 1) }
  tagText = tagText.trim()
  let offset: number | undefined
  const plus = tagText.indexOf("+")
  if (plus >= 0) {
    const o = parseInteger(tagText.slice(plus + 1))
    if (o === undefined) return fail(`invalid byte offset ${JSON.stringify(tagText.slice(plus + 1).trim())}`)
    offset = o
    tagText = tagText.slice(0, plus).trim()
  }
  const parsed = parseTarget(tagText)
  if (Either.isLeft(parsed)) return fail(parsed.left)
  const { target, element, elements, bit } = parsed.right
  if (bit !== undefined && offset !== undefined) return fail("a bit takes no byte offset")
  const base: Operation = {
    method: "read",
    target,
    ...(element !== undefined ? { element } : {}),
    ...(elements !== undefined ? { elements } : {}),
    ...(offset !== undefined ? { offset } : {}),
    ...(bit !== undefined ? { bit } : {})
  }
  if (valText === undefined) return Either.right(base)

  let text = valText.trim()
  if (text.length === 0) return fail("missing value after '='")
  let type: TypeName = bit !== undefined ? "BOOL" : text.includes(".") ? "REAL" : (options.intType ?? "INT")
  const cast = /^\(\s*([A-Za-z]+)\s*\)/.exec(text)
  if (cast !== null) {
    const name = cast[1]!.toUpperCase()
    if (!isTypeName(name)) return fail(`unknown type (${cast[1]})`)
    if (bit !== undefined && name !== "BOOL") return fail(`a bit is a BOOL, not (${cast[1]})`)
    type = name
    text = text.slice(cast[0].length)
  }
  const fields = splitValues(text)
  if (Either.isLeft(fields)) return fail(fields.left)
  const values: Array<CipValue> = []
  for (const f of fields.right) {
    const v = castValue(type, f)
    if (Either.isLeft(v)) return fail(v.left)
    values.push(v.right)
  }
  if (bit !== undefined && values.length !== 1) return fail("a bit takes one value")
  const fragmented = offset !== undefined || options.fragment === true
  let count = elements
  if (!fragmented) {
    count ??= values.length
    if (count !== values.length) {
      return fail(`${values.length} value${values.length === 1 ? "" : "s"} given for ${count} element${count === 1 ? "" : "s"}`)
    }
  } else {
    // A fragmented write covers part of a known range: data from the byte offset must fit it.
    const size = elementSize(type)
    if (size === undefined) return fail(`a fragmented write needs a fixed-size type, not ${type}`)
    count ??= values.length
    const byte = offset ?? 0
    if (byte % size !== 0) return fail(`byte offset ${byte} is not a multiple of the ${size}-byte ${type}`)
    if (byte / size + values.length > count) {
      return fail(`${values.length} value${values.length === 1 ? "" : "s"} from byte offset ${byte} overrun the ${count}-element range`)
    }
  }
  return Either.right({ ...base, method: "write", elements: count, type, values })
}

/** Parse many operation strings; the first mistake fails the lot. */
export const parseOperations = (
  inputs: Iterable<string>,
  options: ParseOptions = {}
): Either.Either<ReadonlyArray<Operation>, OperationParseError> => {
  const out: Array<Operation> = []
  for (const s of inputs) {
    const r = parseOperation(s, options)
    if (Either.isLeft(r)) return Either.left(r.left)
    out.push(r.right)
  }
  return Either.right(out)
}

const printValue = (type: TypeName, v: CipValue): string => {
  if (type === "STRING" || type === "SSTRING") return `"${String(v).replace(/"/g, '""')}"`
  if (typeof v === "boolean") return v ? "1" : "0"
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "nan"
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf"
    if (Object.is(v, -0)) return "-0.0"
  }
  return String(v)
}

/** The tag text of a target with the operation's element/range (no offset, no values). */
export const printTarget = (op: Pick<Operation, "target" | "element" | "elements" | "bit">): string => {
  // A bit is of one element: `[i]`, never a range.
  const idx = op.element === undefined ? "" : op.elements === undefined || op.bit !== undefined ? `[${op.element}]` : `[${op.element}-${op.element + op.elements - 1}]`
  const t = op.target
  if (t._tag === "Numeric") {
    return `@${t.classId}/${t.instance}${t.attribute !== undefined ? `/${t.attribute}` : ""}${idx}`
  }
  return t.names.map((n, i) => (i === t.names.length - 1 ? n.name + idx : n.index !== undefined ? `${n.name}[${n.index}]` : n.name)).join(".") +
    (op.bit !== undefined ? `.${op.bit}` : "")
}

/**
 * Print an operation as the string `parseOperation` reads back to the same value. Writes always
 * carry an explicit `(TYPE)` cast and an explicit element range.
 */
export const printOperation = (op: Operation): string => {
  let s = printTarget(op)
  if (op.offset !== undefined) s += `+${op.offset}`
  if (op.method === "write" && op.type !== undefined && op.values !== undefined) {
    s += `=(${op.type})${op.values.map((v) => printValue(op.type!, v)).join(",")}`
  }
  return s
}

/** The EPATH an operation addresses (element segment appended when an index was given). */
export const operationPath = (op: Operation): EPath => {
  const segs: Array<Segment> = []
  const t = op.target
  if (t._tag === "Numeric") {
    segs.push({ _tag: "Class", id: t.classId }, { _tag: "Instance", id: t.instance })
    if (t.attribute !== undefined) segs.push({ _tag: "Attribute", id: t.attribute })
  } else {
    for (const n of t.names) {
      segs.push({ _tag: "Symbolic", name: n.name })
      if (n.index !== undefined) segs.push({ _tag: "Element", index: n.index })
    }
  }
  if (op.element !== undefined) segs.push({ _tag: "Element", index: op.element })
  return segs
}
