/**
 * Attribute tools: decode the attributes of well-known objects (Identity 0x01, TCP/IP 0xF5)
 * into named fields, and browse the Symbol object (0x6B) for the controller's tags.
 */
import { Effect } from "effect"
import { ClassId, type EPath } from "../cip/model.js"
import { describeStatus, Status } from "../cip/status.js"
import { typeNameOf } from "../cip/types.js"
import { ClientError } from "./errors.js"
import type { Session } from "./session.js"

export type Field = readonly [name: string, value: string | number]

const latin1 = new TextDecoder("latin1")
/** TCP/IP object addresses are UDINTs with the first octet most significant (10.0.0.4 = 0x0A000004), as cpppo's IPADDR. */
const ip = (v: number) => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff].join(".")
const hex = (n: number, w: number) => `0x${n.toString(16).padStart(w, "0")}`

/** A little reader that reports running out of bytes instead of throwing. */
const reader = (b: Uint8Array) => {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  let p = 0
  const need = (n: number) => p + n <= b.length
  return {
    get done() { return p >= b.length },
    u8: () => (need(1) ? dv.getUint8(p++) : undefined),
    u16: () => (need(2) ? ((p += 2), dv.getUint16(p - 2, true)) : undefined),
    u32: () => (need(4) ? ((p += 4), dv.getUint32(p - 4, true)) : undefined),
    bytes: (n: number) => (need(n) ? ((p += n), b.subarray(p - n, p)) : undefined),
    pad: () => { if (p & 1) p++ }
  }
}

const identityAttribute = (id: number, r: ReturnType<typeof reader>): Field | undefined => {
  switch (id) {
    case 1: { const v = r.u16(); return v === undefined ? undefined : ["Vendor ID", v] }
    case 2: { const v = r.u16(); return v === undefined ? undefined : ["Device Type", v] }
    case 3: { const v = r.u16(); return v === undefined ? undefined : ["Product Code", v] }
    case 4: { const a = r.u8(), b = r.u8(); return a === undefined || b === undefined ? undefined : ["Revision", `${a}.${b}`] }
    case 5: { const v = r.u16(); return v === undefined ? undefined : ["Status", hex(v, 4)] }
    case 6: { const v = r.u32(); return v === undefined ? undefined : ["Serial Number", hex(v, 8)] }
    case 7: {
      const n = r.u8()
      const s = n === undefined ? undefined : r.bytes(n)
      return s === undefined ? undefined : ["Product Name", latin1.decode(s)]
    }
    case 8: { const v = r.u8(); return v === undefined ? undefined : ["State", v] }
    default: return undefined
  }
}

const tcpIpAttribute = (id: number, r: ReturnType<typeof reader>): Array<Field> | undefined => {
  switch (id) {
    case 1: { const v = r.u32(); return v === undefined ? undefined : [["Interface Status", hex(v, 8)]] }
    case 2: { const v = r.u32(); return v === undefined ? undefined : [["Configuration Capability", hex(v, 8)]] }
    case 3: { const v = r.u32(); return v === undefined ? undefined : [["Configuration Control", hex(v, 8)]] }
    case 4: {
      const words = r.u16()
      const path = words === undefined ? undefined : r.bytes(words * 2)
      return path === undefined ? undefined : [["Physical Link Object", Array.from(path, (x) => hex(x, 2)).join(" ")]]
    }
    case 5: {
      const vals = [r.u32(), r.u32(), r.u32(), r.u32(), r.u32()]
      if (vals.some((v) => v === undefined)) return undefined
      const n = r.u16()
      const name = n === undefined ? undefined : r.bytes(n)
      const [a, m, g, d1, d2] = vals as Array<number>
      return [["IP Address", ip(a!)], ["Network Mask", ip(m!)], ["Gateway Address", ip(g!)], ["Name Server", ip(d1!)],
        ["Name Server 2", ip(d2!)], ["Domain Name", name === undefined ? "" : latin1.decode(name)]]
    }
    case 6: {
      const n = r.u16()
      const name = n === undefined ? undefined : r.bytes(n)
      return name === undefined ? undefined : [["Host Name", latin1.decode(name)]]
    }
    default: return undefined
  }
}

/**
 * Named fields of an attribute (or of Get Attributes All when `attribute` is undefined) of the
 * Identity or TCP/IP object; undefined for objects or attributes we do not know.
 */
export const decodeAttribute = (classId: number, attribute: number | undefined, data: Uint8Array): ReadonlyArray<Field> | undefined => {
  const r = reader(data)
  if (classId === ClassId.Identity) {
    const ids = attribute === undefined ? [1, 2, 3, 4, 5, 6, 7] : [attribute]
    const out: Array<Field> = []
    for (const id of ids) {
      const f = identityAttribute(id, r)
      if (f === undefined) return out.length > 0 ? out : undefined
      out.push(f)
    }
    if (attribute === undefined && !r.done) { const s = identityAttribute(8, r); if (s) out.push(s) }
    return out
  }
  if (classId === ClassId.TcpIp && attribute !== undefined) {
    const f = tcpIpAttribute(attribute, r)
    if (f === undefined) return undefined
    r.pad()
    return f
  }
  return undefined
}

/** A tag found by browsing the Symbol object. */
export interface SymbolEntry {
  readonly instance: number
  readonly name: string
  readonly symbolType: number
  readonly type: string
  readonly dimensions: readonly [number, number, number]
}

const symbolTypeName = (t: number): string => {
  if (t & 0x8000) return `STRUCT(0x${(t & 0x0fff).toString(16)})`
  const name = typeNameOf({ code: t & 0xff })
  return name ?? `0x${(t & 0xff).toString(16)}`
}

/**
 * List every tag (of the controller, or of one program `Program:Name`): Get Instance Attribute
 * List on the Symbol object, page after page (status 0x06 means more follow, from the last
 * instance + 1). Bounded to 10,000 pages.
 */
export const listTags = (session: Session, program?: string): Effect.Effect<ReadonlyArray<SymbolEntry>, ClientError> =>
  Effect.gen(function* () {
    const out: Array<SymbolEntry> = []
    let start = 0
    for (let page = 0; page < 10_000; page++) {
      const scope: EPath = program !== undefined ? [{ _tag: "Symbolic", name: program }] : []
      const path: EPath = [...scope, { _tag: "Class", id: ClassId.Symbol }, { _tag: "Instance", id: start }]
      const reply = yield* session.request({ _tag: "GetInstanceAttributeList", path, attributes: [1, 2, 7, 8] })
      if (reply.status !== 0 && reply.status !== Status.PartialTransfer) {
        return yield* Effect.fail(new ClientError({ reason: "Protocol", message: `Symbol browse failed: ${describeStatus(reply.status, reply.extStatus)}` }))
      }
      if (reply._tag !== "GetInstanceAttributeList") {
        return yield* Effect.fail(new ClientError({ reason: "Protocol", message: `unexpected ${reply._tag} reply to the Symbol browse` }))
      }
      for (const i of reply.instances) {
        const symbolType = i.symbolType ?? 0
        out.push({ instance: i.instance, name: i.name ?? "", symbolType, type: symbolTypeName(symbolType), dimensions: i.dimensions ?? [0, 0, 0] })
      }
      if (reply.status === 0 || reply.instances.length === 0) break
      start = reply.instances[reply.instances.length - 1]!.instance + 1
    }
    return out
  })

/** One line per tag: `NAME  TYPE[dims]  (instance N)`; `typeName` names structures by their template. */
export const formatSymbol = (s: SymbolEntry, typeName: (symbolType: number) => string | undefined = () => undefined): string => {
  const dims = s.dimensions.filter((d) => d > 0)
  return `${s.name.padEnd(32)} ${typeName(s.symbolType) ?? s.type}${dims.length > 0 ? `[${dims.join(",")}]` : ""}  (instance ${s.instance})`
}
