/**
 * Structure types as a client learns them from a controller, the way pycomm3 and pylogix do:
 * browse the Symbol object for structure tags (symbol type bit 15, template instance in bits
 * 0-11), read each Template instance's attributes (1 handle, 2 members, 4 definition words,
 * 5 size) and its definition (Read Template), then nested structures' templates. The layouts
 * decode structure data (a Read Tag reply typed 0x02A0 + handle) into members by name.
 */
import { Effect, Either } from "effect"
import { decodeElements } from "../cip/element.js"
import { declaredMembers, type StructLayout } from "../cip/layout.js"
import { ClassId, type EPath } from "../cip/model.js"
import { describeStatus, Status } from "../cip/status.js"
import { layoutFromTemplate, parseTemplateDefinition } from "../cip/template.js"
import { formatUdtText } from "../cip/udt.js"
import { listTags, type SymbolEntry } from "./attributes.js"
import { ClientError } from "./errors.js"
import type { OperationResult } from "./results.js"
import type { Session } from "./session.js"

const PROGRAM_SYMBOL = 0x1068
const protocol = (message: string) => new ClientError({ reason: "Protocol", message })

/** A controller's structure types, loaded on first use and kept for the session. */
export interface StructureTypes {
  /** The layout of template `instance` (reads it, and the templates it nests, the first time). */
  readonly template: (instance: number) => Effect.Effect<StructLayout, ClientError>
  /** The layout of a structure handle (browses the tags for their templates the first time). */
  readonly byHandle: (handle: number) => Effect.Effect<StructLayout | undefined, ClientError>
  /** A result's structure bytes as member values (unchanged when not a structure, or unknown). */
  readonly decode: (r: OperationResult) => Effect.Effect<OperationResult>
}

const u16 = (b: Uint8Array | undefined) => (b !== undefined && b.length >= 2 ? b[0]! | (b[1]! << 8) : undefined)
const u32 = (b: Uint8Array | undefined) => (b !== undefined && b.length >= 4 ? (b[0]! | (b[1]! << 8) | (b[2]! << 16)) + b[3]! * 0x1000000 : undefined)

export const makeStructureTypes = (session: Session): StructureTypes => {
  const layouts = new Map<number, StructLayout>()
  const handles = new Map<number, StructLayout>()
  let browsed = false

  const template = (instance: number, depth = 0): Effect.Effect<StructLayout, ClientError> =>
    Effect.gen(function* () {
      const known = layouts.get(instance)
      if (known !== undefined) return known
      if (depth > 16) return yield* Effect.fail(protocol(`template ${instance}: structures nested more than 16 deep`))
      const path: EPath = [{ _tag: "Class", id: ClassId.Template }, { _tag: "Instance", id: instance }]
      const attrs = yield* session.request({ _tag: "GetAttributeList", path, attributes: [4, 5, 2, 1] })
      if (attrs.status !== 0 || attrs._tag !== "GetAttributeList" || attrs.attributes.some((a) => a.status !== 0)) {
        return yield* Effect.fail(protocol(`template ${instance}: attributes: ${describeStatus(attrs.status, attrs.extStatus)}`))
      }
      const [words, size, members, handle] = attrs.attributes.map((a, i) => (i < 2 ? u32(a.data) : u16(a.data)))
      if (words === undefined || size === undefined || members === undefined || handle === undefined) {
        return yield* Effect.fail(protocol(`template ${instance}: malformed attributes`))
      }
      // The whole object: (words × 4) − 20 bytes, read in as many replies as it takes.
      const want = Math.max(0, words * 4 - 20)
      const chunks: Array<Uint8Array> = []
      let got = 0
      for (let i = 0; i < 1000 && got < want; i++) {
        const r = yield* session.request({ _tag: "ReadTemplate", path, offset: got, bytes: want - got })
        if ((r.status !== 0 && r.status !== Status.PartialTransfer) || r._tag !== "ReadTemplate") {
          return yield* Effect.fail(protocol(`template ${instance}: Read Template: ${describeStatus(r.status, r.extStatus)}`))
        }
        chunks.push(r.data)
        got += r.data.length
        if (r.status === 0 || r.data.length === 0) break
      }
      const bytes = new Uint8Array(got)
      let o = 0
      for (const c of chunks) { bytes.set(c, o); o += c.length }
      const def = parseTemplateDefinition(bytes, members)
      if (Either.isLeft(def)) return yield* Effect.fail(protocol(`template ${instance}: ${def.left.message}`))
      // Nested structures first, so the layout can place their members.
      for (const m of def.right.members) if (m.type & 0x8000) yield* template(m.type & 0x0fff, depth + 1)
      const layout = layoutFromTemplate(instance, handle, size, def.right, (id) => layouts.get(id))
      layouts.set(instance, layout)
      handles.set(handle, layout)
      return layout
    })

  /** Every structure template the controller's tags (and its programs' tags) use. */
  const browse = Effect.gen(function* () {
    const scopes: Array<ReadonlyArray<SymbolEntry>> = [yield* listTags(session)]
    for (const s of scopes[0]!) if (s.symbolType === PROGRAM_SYMBOL) scopes.push(yield* listTags(session, s.name))
    for (const list of scopes) {
      for (const s of list) {
        if ((s.symbolType & 0x9000) === 0x8000) yield* Effect.either(template(s.symbolType & 0x0fff))
      }
    }
  })

  const byHandle = (handle: number) =>
    Effect.gen(function* () {
      if (!handles.has(handle) && !browsed) {
        browsed = true
        yield* browse
      }
      return handles.get(handle)
    })

  const decode = (r: OperationResult): Effect.Effect<OperationResult> =>
    r.handle === undefined || r.raw === undefined
      ? Effect.succeed(r)
      : Effect.map(Effect.orElseSucceed(byHandle(r.handle), () => undefined), (layout) => {
        if (layout === undefined || layout.size === 0 || r.raw!.length % layout.size !== 0) return r
        const values = decodeElements({ _tag: "Struct", layout }, r.raw!, r.raw!.length / layout.size)
        return Either.isRight(values) ? { ...r, values: values.right, structure: layout } : r
      })

  return { template: (i) => template(i), byHandle, decode }
}

/** A structure's definition line for `--list-tags`: `Motor{Speed:REAL,…}  (template 0x100, handle 0x385e, 112 bytes)`. */
export const formatStructure = (l: StructLayout): string =>
  `${formatUdtText({ name: l.name, members: declaredMembers(l) })}  (template 0x${l.instance.toString(16)}, handle 0x${l.handle.toString(16).padStart(4, "0")}, ${l.size} bytes)`
