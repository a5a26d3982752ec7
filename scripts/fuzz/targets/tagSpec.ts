/**
 * Target `tag-spec`: tag specs and structure definitions as given on the command line, one a
 * line: a line with `{` is a `--udt` definition (`Motor{Speed:REAL,Faults:DINT[4]}`), any other a
 * tag spec (`NAME[@cls/ins/att][=TYPE][[n]]`, TYPE possibly a structure declared above it).
 * Contract:
 * - a definition decodes (the one Schema) to a UdtError or a definition; a definition prints
 *   (formatUdtText) to text that decodes to the same definition, and its object form encodes and
 *   decodes through the Schema unchanged;
 * - the definitions lay out (makeTypes) or are refused with a TagSpecError; a layout keeps every
 *   member inside the structure, no two members' bytes overlap (BOOLs share only their host
 *   byte, at distinct bits), and the template definition bytes parse back to the same members;
 * - a spec parses to a TagSpecError or a spec that prints and parses back to itself;
 * - a store is built or refused with a TagSpecError, and every tag it holds reads back zeros,
 *   which decode (a structure: by member) and encode back to the same zero bytes.
 */
import { Effect, Either, Exit, Schema } from "effect"
import { decodeElements, encodeElements } from "../../../src/cip/element.js"
import { type StructLayout, templateDefinition, type TypeRegistry } from "../../../src/cip/layout.js"
import { parseTemplateDefinition } from "../../../src/cip/template.js"
import { decodeUdtDefinition, formatUdtText, UdtDefinitionSchema, type UdtDefinition } from "../../../src/cip/udt.js"
import { formatTagSpec, parseTagSpec, type TagSpec } from "../../../src/tags/spec.js"
import { makeTagStore, makeTypes } from "../../../src/tags/tagStore.js"
import { broken, roundTrip, show } from "./contract.js"

/** Largest store the target builds (the fuzzer is not here to allocate big tags). */
const MAX_BYTES = 1 << 16

const definition = (line: string): UdtDefinition | undefined => {
  const d = decodeUdtDefinition(line)
  if (Either.isLeft(d)) {
    if (d.left._tag !== "UdtError") broken(`decodeUdtDefinition failed with ${String(d.left)}`)
    return undefined
  }
  const back = decodeUdtDefinition(formatUdtText(d.right))
  if (Either.isLeft(back)) broken(`${JSON.stringify(formatUdtText(d.right))} (printed from ${JSON.stringify(line)}) does not decode: ${back.left.message}`)
  roundTrip("structure definition", d.right, (back as Either.Right<never, UdtDefinition>).right)
  const encoded = Schema.encodeEither(UdtDefinitionSchema)(d.right)
  if (Either.isLeft(encoded)) return broken(`the Schema does not encode ${show(d.right)}`)
  const again = decodeUdtDefinition(encoded.right)
  if (Either.isLeft(again)) return broken(`the Schema's encoding ${show(encoded.right)} does not decode: ${again.left.message}`)
  roundTrip("structure definition object", d.right, again.right)
  return d.right
}

/** Members inside the structure, never overlapping; the template bytes parse back to them. */
const checkLayout = (l: StructLayout): void => {
  const owner = new Map<number, string>()
  const bits = new Set<string>()
  for (const m of l.members) {
    const bytes = m.size * m.count
    if (m.offset < 0 || m.offset + bytes > l.size) broken(`${l.name}.${m.name} (${m.offset}+${bytes}) is outside the structure's ${l.size} bytes`)
    if (m.kind === "bit") {
      if (owner.get(m.offset) !== `host@${m.offset}`) broken(`${l.name}.${m.name} is not in a hidden host SINT`)
      if (bits.has(`${m.offset}.${m.bit}`)) broken(`${l.name}.${m.name} shares bit ${m.bit} of byte ${m.offset}`)
      bits.add(`${m.offset}.${m.bit}`)
      continue
    }
    for (let b = m.offset; b < m.offset + bytes; b++) {
      if (owner.has(b)) broken(`${l.name}.${m.name} overlaps ${owner.get(b)} at byte ${b}`)
      owner.set(b, m.hidden ? `host@${m.offset}` : m.name)
    }
  }
  if (l.size % 4 !== 0) broken(`${l.name} is ${l.size} bytes, not a multiple of 4`)
  const def = templateDefinition(l)
  const parsed = parseTemplateDefinition(def.bytes, l.members.length)
  if (Either.isLeft(parsed)) return broken(`${l.name}'s template does not parse: ${parsed.left.message}`)
  if (parsed.right.name !== l.name) broken(`${l.name}'s template names it ${parsed.right.name}`)
  roundTrip(`${l.name}'s template members`, l.members.map((m) => ({ name: m.name, info: m.info, type: m.typeWord, offset: m.offset })), parsed.right.members)
}

export const fuzz = (data: Buffer): void => {
  const lines = data.toString("latin1").split("\n").slice(0, 8)
  const udts = lines.filter((l) => l.includes("{")).map(definition).filter((d): d is UdtDefinition => d !== undefined)
  const types = makeTypes(udts)
  if (Either.isLeft(types) && types.left._tag !== "TagSpecError") broken(`makeTypes failed with ${String(types.left)}`)
  const registry: TypeRegistry | undefined = Either.isRight(types) ? types.right : undefined
  registry?.layouts.forEach(checkLayout)
  const specs: Array<string> = []
  for (const line of lines) {
    if (line.includes("{")) continue
    const s = parseTagSpec(line, registry)
    if (Either.isLeft(s)) {
      if (s.left._tag !== "TagSpecError") broken(`parseTagSpec failed with ${String(s.left)}`)
      continue
    }
    const back = parseTagSpec(formatTagSpec(s.right), registry)
    if (Either.isLeft(back)) broken(`${JSON.stringify(formatTagSpec(s.right))} (printed from ${JSON.stringify(line)}) does not parse: ${back.left.message}`)
    roundTrip("tag spec", s.right, (back as Either.Right<never, TagSpec>).right)
    const size = registry?.byName(s.right.type)?.size ?? 8
    if (s.right.count * size <= MAX_BYTES) specs.push(line)
  }
  if (registry === undefined) return
  const exit = Effect.runSyncExit(makeTagStore(specs, { eventCapacity: 1, udts }))
  if (Exit.isFailure(exit)) {
    const e = exit.cause._tag === "Fail" ? (exit.cause.error as { _tag?: string })._tag : undefined
    if (e !== "TagSpecError") broken(`makeTagStore died: ${String(exit.cause)}`)
    return
  }
  for (const tag of exit.value.tags) {
    const b = exit.value.readBytes(tag, 0, tag.wireCount)
    if (!(b instanceof Uint8Array) || b.some((x) => x !== 0)) { broken(`new tag ${tag.name} does not read back zeros`); continue }
    if (tag.element._tag !== "Struct") continue
    const values = decodeElements(tag.element, b, tag.wireCount)
    if (Either.isLeft(values)) { broken(`${tag.name}'s zeros do not decode: ${values.left.message}`); continue }
    const bytes = encodeElements(tag.element, values.right)
    if (Either.isLeft(bytes)) { broken(`${tag.name}'s values do not encode: ${String(bytes.left)}`); continue }
    roundTrip(`${tag.name} zeros`, b, bytes.right)
  }
}
