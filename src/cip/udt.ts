/**
 * User-defined structure (UDT) definitions as users write them, in one Schema for the CLI
 * (`--udt 'Motor{Speed:REAL,Running:BOOL,Faults:DINT[4],Name:STRING}'`), the Effect API and
 * configuration files: either that text, or the object `{ name, members: [{ name, type, dims? }] }`.
 *
 * A definition only names its members' types; whether a type exists (atomic, STRING, or a UDT
 * declared earlier) and how the structure is laid out is decided by `buildTypes` (layout.ts).
 */
import { Data, Either, ParseResult, Schema } from "effect"

/** One member as declared: `Faults:DINT[4]` is `{ name: "Faults", type: "DINT", dims: 4 }`. */
export interface UdtMember {
  readonly name: string
  /** An atomic type (BOOL SINT INT DINT LINT USINT UINT UDINT ULINT REAL LREAL), STRING, or an earlier UDT. */
  readonly type: string
  /** Array length (`[n]`); absent for a scalar member. */
  readonly dims?: number
}

/** A structure as declared: its name and members in order. */
export interface UdtDefinition {
  readonly name: string
  readonly members: ReadonlyArray<UdtMember>
}

/** A definition that cannot be parsed or laid out; `message` is one line naming it. */
export class UdtError extends Data.TaggedError("UdtError")<{
  readonly udt: string
  readonly message: string
}> {}

/** Logix identifiers: a letter or `_` first, then letters, digits and `_`; at most 40 characters. */
export const LOGIX_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/

/** Most elements in one array member (the template's INFO word is a UINT). */
export const MAX_MEMBER_DIMS = 0xffff

const Identifier = Schema.String.pipe(Schema.pattern(LOGIX_IDENTIFIER, {
  message: () => "a Logix identifier: a letter or _ first, then letters, digits or _, at most 40 characters"
}))

/** Schema of one member object. */
export const UdtMemberSchema = Schema.Struct({
  name: Identifier,
  type: Identifier,
  dims: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, MAX_MEMBER_DIMS)), { exact: true })
})

/** Schema of a definition object (members checked for syntax; types are checked when laid out). */
export const UdtDefinitionObject = Schema.Struct({
  name: Identifier,
  members: Schema.Array(UdtMemberSchema).pipe(Schema.minItems(1))
})

const MEMBER = /^([^:\s[\]]+)\s*:\s*([^[\]\s]+)\s*(?:\[\s*([^\]]*?)\s*\])?$/

/** Parse `Name{Member:TYPE[n],…}` (members separated by `,` or `;`, spaces allowed). */
export const parseUdtText = (text: string): Either.Either<UdtDefinition, UdtError> => {
  const t = text.trim()
  const head = /^([^{\s]+)\s*\{(.*)\}$/s.exec(t)
  const bad = (why: string, name = head?.[1] ?? t) =>
    Either.left(new UdtError({ udt: name, message: `bad structure definition ${JSON.stringify(text)}: ${why}` }))
  if (head === null) return bad("expected NAME{Member:TYPE[n],…}")
  const name = head[1]!
  if (!LOGIX_IDENTIFIER.test(name)) return bad(`invalid structure name ${JSON.stringify(name)}`)
  const body = head[2]!.trim()
  if (body === "") return bad("a structure needs at least one member")
  const members: Array<UdtMember> = []
  for (const part of body.split(/[,;]/)) {
    const m = MEMBER.exec(part.trim())
    if (m === null) return bad(`member ${JSON.stringify(part.trim())} is not Name:TYPE or Name:TYPE[n]`)
    const [, member, type, dims] = m
    if (!LOGIX_IDENTIFIER.test(member!)) return bad(`invalid member name ${JSON.stringify(member)}`)
    if (!LOGIX_IDENTIFIER.test(type!)) return bad(`invalid type name ${JSON.stringify(type)} for ${member}`)
    if (dims === undefined) { members.push({ name: member!, type: type! }); continue }
    const n = /^\d+$/.test(dims) ? Number(dims) : NaN
    if (!Number.isSafeInteger(n) || n < 1 || n > MAX_MEMBER_DIMS) return bad(`array size [${dims}] of ${member} is not 1..${MAX_MEMBER_DIMS}`)
    members.push({ name: member!, type: type!, dims: n })
  }
  return Either.right({ name, members })
}

/** The text form of a definition (`parseUdtText` reads it back to the same value). */
export const formatUdtText = (d: UdtDefinition): string =>
  `${d.name}{${d.members.map((m) => `${m.name}:${m.type}${m.dims !== undefined ? `[${m.dims}]` : ""}`).join(",")}}`

/** Schema: the text form, decoded to (and encoded from) a definition object. */
export const UdtDefinitionFromText = Schema.transformOrFail(Schema.String, UdtDefinitionObject, {
  strict: true,
  decode: (text, _, ast) =>
    Either.match(parseUdtText(text), {
      onLeft: (e) => ParseResult.fail(new ParseResult.Type(ast, text, e.message)),
      onRight: (d) => ParseResult.succeed({ name: d.name, members: d.members })
    }),
  encode: (d) => ParseResult.succeed(formatUdtText(d))
})

/**
 * THE schema of a structure definition, wherever one is given (CLI `--udt`, `SimulatorConfig.udts`,
 * configuration files): the text `Motor{Speed:REAL,Faults:DINT[4]}` or the object
 * `{ name: "Motor", members: [{ name: "Speed", type: "REAL" }, { name: "Faults", type: "DINT", dims: 4 }] }`.
 */
export const UdtDefinitionSchema = Schema.Union(UdtDefinitionObject, UdtDefinitionFromText)

/** A definition from its text or object form (the Schema's decoding, as an Either). */
export const decodeUdtDefinition = (input: unknown): Either.Either<UdtDefinition, UdtError> =>
  Either.mapLeft(Schema.decodeUnknownEither(UdtDefinitionSchema)(input), (e) => {
    const name = typeof input === "string" ? input : typeof input === "object" && input !== null && "name" in input ? String((input as { name: unknown }).name) : "?"
    // A text that failed its parse carries our one-line message; otherwise the Schema's.
    if (typeof input === "string") {
      const r = parseUdtText(input)
      if (Either.isLeft(r)) return r.left
    }
    // An object: the object schema's own complaint, where it is (the union's would be the text
    // branch's "Expected string").
    const own = Either.match(Schema.decodeUnknownEither(UdtDefinitionObject)(input), { onLeft: (x) => x, onRight: () => e })
    const issue = ParseResult.ArrayFormatter.formatErrorSync(own)[0]!
    const line = `${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`
    return new UdtError({ udt: name, message: `bad structure definition ${JSON.stringify(input)}: ${line}` })
  })
