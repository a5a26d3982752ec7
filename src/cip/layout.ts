/**
 * How a Logix controller lays out structures, and the Template object's view of them.
 *
 * Sources for the rules (checked byte for byte in test/cip/layout.test.ts):
 * - Rockwell, *Logix 5000 Controllers Data Access* (1756-PM020F), "Template object" and "Contents
 *   of the member information": 8 bytes per member, the INFO word (0 for a scalar, the array size
 *   for an array, the bit number for a BOOL), the type word, the UDINT byte offset; then the
 *   structure name and the member names, NUL-terminated. Symbol type bit 15 = structure, bits
 *   0-11 = template instance; user structures are instances 0x100-0xEFF.
 * - Rockwell, *SoftLogix 5800 User Manual* (1789-UM002K), "Packing in Structures": SINT/BOOL on
 *   1-byte boundaries, INT on 2, DINT/REAL on 4, arrays and nested structures on 4, BOOL arrays
 *   in 32-bit units, a structure's size a multiple of 4. (ControlLogix 5580/CompactLogix 5380
 *   projects from v27 also align LINT members to 8 and round such structures to 8 — *Logix 5000
 *   Controllers Design Considerations*, 1756-RM100; this simulator lays out as a 5570/5370, like
 *   the L61 it reports.)
 * - Real controller data uploaded by pycomm3 (github.com/ottowayi/pycomm3, tests/offline/
 *   controller_tags.json, and the project export tests/pycomm3.L5X): consecutive BOOL members
 *   share a hidden SINT named `ZZZZZZZZZZ` + the first 10 characters of the structure name + its
 *   member index (`ZZZZZZZZZZpycomm3_At0`, `…_Bo9`, `…_Bo19`), listed before its BOOLs, 8 BOOLs to
 *   a host; `pycomm3_AtomicUDT{bool,sint,int,dint,lint,real}` is 20 bytes with offsets 0/1/2/4/8/16;
 *   BOOL[64] is DWORD[2]; and for 19 templates the definition size (attribute 4) is
 *   floor((bytes of member infos and names + 23) / 4) 32-bit words.
 * - A 1756-L75 (v32) template reply quoted in pylogix issue #45: `my_UDT;nHAEA` for a REAL and a
 *   DINT member. User structures append `;n` and two characters per member: 'A' + the member's
 *   radix (Decimal 4 → E, Float 7 → H, none 0 → A) and 'A'. Predefined structures (STRING as
 *   `ASCIISTRING82`, CONTROL, …) have no suffix: STRING's definition is 15 words, as uploaded.
 * - The structure handle (attribute 1) is "a CRC of the members" in the manual; the algorithm is
 *   not published. Clients only echo it (Write Tag of a structure carries 0x02A0 + handle), so
 *   the simulator uses CRC-16/ARC of the member infos and names, distinct per structure.
 */
import { Either } from "effect"
import { CipType, elementSize, LOGIX_STRING_HANDLE, type TypeName } from "./types.js"
import { type UdtDefinition, UdtError, type UdtMember } from "./udt.js"

/** Atomic types a structure member may have. */
export const MEMBER_ATOMICS: ReadonlyArray<TypeName> = ["BOOL", "SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT", "REAL", "LREAL"]

/**
 * One member as the template lists it: `atomic` (a scalar or array of an atomic type), `bit` (a
 * BOOL, one bit of a hidden SINT), `bits` (a BOOL array, packed in DWORDs), `struct` (a nested
 * structure or array of them; STRING is one).
 */
export interface LayoutMember {
  readonly name: string
  /** A host SINT of BOOLs (`ZZZZZZZZZZ…`): in the template, not a member users see. */
  readonly hidden: boolean
  readonly kind: "atomic" | "bit" | "bits" | "struct"
  /** The atomic type (`DWORD` for a BOOL array). */
  readonly atomic?: TypeName
  readonly struct?: StructLayout
  /** 0 for a scalar; the array length otherwise (BOOLs for a BOOL array, a multiple of 32). */
  readonly dims: number
  /** Byte offset in the structure (the host byte's, for a BOOL). */
  readonly offset: number
  /** Bit in the host byte, for a BOOL. */
  readonly bit: number
  /** Bytes of one element on the wire (a BOOL array's element is a DWORD). */
  readonly size: number
  /** Elements on the wire: 1 for a scalar, the array length, or DWORDs for a BOOL array. */
  readonly count: number
  /** The template's type word and INFO word. */
  readonly typeWord: number
  readonly info: number
  /** The two characters this member adds after `;n` in a user structure's name. */
  readonly suffix: string
}

/** A laid-out structure: what the Template object serves and what tag data holds. */
export interface StructLayout {
  readonly name: string
  /** Template object instance (symbol type bits 0-11). */
  readonly instance: number
  /** Structure handle (template attribute 1; Read/Write Tag type 0x02A0 + handle). */
  readonly handle: number
  /** Bytes of one element (template attribute 5). */
  readonly size: number
  /** Members in template order (hidden BOOL hosts included). */
  readonly members: ReadonlyArray<LayoutMember>
  /** A controller's own type (no `;n` suffix on its template name). */
  readonly predefined: boolean
  /** Member by name, case-insensitively (hidden hosts too, as a controller finds them). */
  readonly member: (name: string) => LayoutMember | undefined
}

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a

/** Largest structure accepted (a typo must not allocate gigabytes). */
export const MAX_STRUCT_SIZE = 1 << 21

const atomicCode = (t: TypeName): number => CipType[t]

const withLookup = (l: Omit<StructLayout, "member">): StructLayout => {
  const by = new Map<string, LayoutMember>()
  for (const m of l.members) by.set(m.name.toLowerCase(), m)
  return { ...l, member: (name) => by.get(name.toLowerCase()) }
}

/** The Logix STRING: predefined `ASCIISTRING82`, DINT LEN + SINT DATA[82], 88 bytes, handle 0x0FCE. */
export const STRING_LAYOUT: StructLayout = withLookup({
  name: "ASCIISTRING82",
  instance: LOGIX_STRING_HANDLE,
  handle: LOGIX_STRING_HANDLE,
  size: 88,
  predefined: true,
  members: [
    { name: "LEN", hidden: false, kind: "atomic", atomic: "DINT", dims: 0, offset: 0, bit: 0, size: 4, count: 1, typeWord: CipType.DINT, info: 0, suffix: "" },
    { name: "DATA", hidden: false, kind: "atomic", atomic: "SINT", dims: 82, offset: 4, bit: 0, size: 1, count: 82, typeWord: 0x2000 | CipType.SINT, info: 82, suffix: "" }
  ]
})

/**
 * Radix characters a controller puts after `;n` for an atomic member: 'A' + radix (Decimal 4 → E,
 * Float 7 → H). BOOLs and hosts are `EA` and structures `AA` (no radix), written where they are laid out.
 */
const suffixOf = (atomic: TypeName): string => atomic === "REAL" || atomic === "LREAL" ? "HA" : "EA"

/** A member's template words from its kind, type and dims. */
const words = (kind: LayoutMember["kind"], code: number, dims: number, bit: number) => {
  const array = dims > 0 ? 0x2000 : 0
  switch (kind) {
    case "bit": return { typeWord: CipType.BOOL, info: bit }
    case "bits": return { typeWord: 0x2000 | CipType.DWORD, info: dims / 32 }
    case "struct": return { typeWord: 0x8000 | array | (code & 0x0fff), info: dims }
    case "atomic": return { typeWord: array | code, info: dims }
  }
}

/** CRC-16/ARC (poly 0x8005 reflected, init 0). */
export const crc16 = (bytes: Uint8Array, crc = 0): number => {
  for (const b of bytes) {
    crc ^= b
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1
  }
  return crc & 0xffff
}

/**
 * The template definition bytes a Read Template returns: member infos, the name (with `;n…` for a
 * user structure), the member names, NUL-terminated; then zeros up to the object's 32-bit end.
 * `words` is attribute 4: floor((content + 23) / 4), so content ≤ words × 4 − 20 = bytes.length.
 */
export const templateDefinition = (l: Pick<StructLayout, "name" | "members" | "predefined">): { readonly words: number; readonly bytes: Uint8Array } => {
  const name = l.predefined ? l.name : `${l.name};n${l.members.map((m) => m.suffix).join("")}`
  const texts = [name, ...l.members.map((m) => m.name)]
  const content = 8 * l.members.length + texts.reduce((n, t) => n + t.length + 1, 0)
  const words = Math.floor((content + 23) / 4)
  const out = new Uint8Array(words * 4 - 20)
  const dv = new DataView(out.buffer)
  let p = 0
  for (const m of l.members) {
    dv.setUint16(p, m.info, true); dv.setUint16(p + 2, m.typeWord, true); dv.setUint32(p + 4, m.offset, true)
    p += 8
  }
  for (const t of texts) {
    for (let i = 0; i < t.length; i++) out[p++] = t.charCodeAt(i) & 0xff
    out[p++] = 0
  }
  return { words, bytes: out }
}

/** The types a controller holds: STRING and the user structures, by name, instance and handle. */
export interface TypeRegistry {
  /** Every structure: STRING first, then the user structures in declaration order. */
  readonly layouts: ReadonlyArray<StructLayout>
  /** A structure by name (case-insensitive; `STRING` is the built-in one). */
  readonly byName: (name: string) => StructLayout | undefined
  readonly byInstance: (instance: number) => StructLayout | undefined
  readonly byHandle: (handle: number) => StructLayout | undefined
}

const registryOf = (user: ReadonlyArray<StructLayout>): TypeRegistry => {
  const layouts = [STRING_LAYOUT, ...user]
  const names = new Map<string, StructLayout>([["string", STRING_LAYOUT]])
  for (const l of user) names.set(l.name.toLowerCase(), l)
  const instances = new Map(layouts.map((l) => [l.instance, l]))
  const handles = new Map(layouts.map((l) => [l.handle, l]))
  return {
    layouts,
    byName: (name) => names.get(name.toLowerCase()),
    byInstance: (id) => instances.get(id),
    byHandle: (h) => handles.get(h)
  }
}

/** A registry with only the built-in STRING. */
export const BUILTIN_TYPES: TypeRegistry = registryOf([])

/** First template instance given to a user structure (user structures are 0x100-0xEFF). */
export const FIRST_UDT_INSTANCE = 0x100

/**
 * Lay out structure definitions in order (a structure may use those before it), as a Logix
 * controller does. The first mistake (unknown type, duplicate name, too large) is the Left.
 */
export const buildTypes = (defs: ReadonlyArray<UdtDefinition>): Either.Either<TypeRegistry, UdtError> => {
  const done: Array<StructLayout> = []
  const handles = new Set<number>([LOGIX_STRING_HANDLE])
  // The structures known so far by lower-case name (kept as they are laid out, not rebuilt per
  // definition: a controller's 3,584 structures would otherwise cost millions of map entries).
  const known = new Map<string, StructLayout>([["string", STRING_LAYOUT]])
  for (const def of defs) {
    const bad = (why: string) => Either.left(new UdtError({ udt: def.name, message: `bad structure ${def.name}: ${why}` }))
    if (MEMBER_ATOMICS.includes(def.name.toUpperCase() as TypeName) || known.has(def.name.toLowerCase()) || /^(SSTRING|DWORD)$/i.test(def.name)) {
      return bad(`the name ${def.name} is already a type`)
    }
    if (done.length >= 0xeff - FIRST_UDT_INSTANCE + 1) return bad("too many structures")
    if (def.members.length === 0) return bad("no members")
    const seen = new Set<string>()
    const members: Array<LayoutMember> = []
    let off = 0
    let host: { offset: number; used: number } | undefined
    for (const m of def.members) {
      if (seen.has(m.name.toLowerCase())) return bad(`member ${m.name} declared twice`)
      seen.add(m.name.toLowerCase())
      const dims = m.dims ?? 0
      const type = m.type.toUpperCase()
      if (type === "BOOL" && dims === 0) {
        // Consecutive BOOLs share a hidden SINT, 8 to a host, listed before its BOOLs.
        if (host === undefined || host.used === 8) {
          host = { offset: off, used: 0 }
          members.push({
            name: `ZZZZZZZZZZ${def.name.slice(0, 10)}${members.length}`, hidden: true, kind: "atomic", atomic: "SINT", dims: 0,
            offset: off, bit: 0, size: 1, count: 1, typeWord: CipType.SINT, info: 0, suffix: "EA"
          })
          off += 1
        }
        const bit = host.used++
        members.push({ name: m.name, hidden: false, kind: "bit", atomic: "BOOL", dims: 0, offset: host.offset, bit, size: 1, count: 1, ...words("bit", CipType.BOOL, 0, bit), suffix: "EA" })
        continue
      }
      host = undefined
      if (type === "BOOL") {
        const n = Math.ceil(dims / 32) * 32
        off = alignUp(off, 4)
        members.push({ name: m.name, hidden: false, kind: "bits", atomic: "DWORD", dims: n, offset: off, bit: 0, size: 4, count: n / 32, ...words("bits", 0, n, 0), suffix: "EA" })
        off += n / 8
      } else if (MEMBER_ATOMICS.includes(type as TypeName)) {
        const atomic = type as TypeName
        const size = elementSize(atomic)!
        off = alignUp(off, dims > 0 ? 4 : Math.min(size, 4))
        members.push({ name: m.name, hidden: false, kind: "atomic", atomic, dims, offset: off, bit: 0, size, count: Math.max(1, dims), ...words("atomic", atomicCode(atomic), dims, 0), suffix: suffixOf(atomic) })
        off += size * Math.max(1, dims)
      } else {
        const struct = known.get(m.type.toLowerCase())
        if (struct === undefined) return bad(`member ${m.name} has unknown type ${m.type} (an atomic type, STRING, or a structure declared before ${def.name})`)
        off = alignUp(off, 4)
        members.push({ name: m.name, hidden: false, kind: "struct", struct, dims, offset: off, bit: 0, size: struct.size, count: Math.max(1, dims), ...words("struct", struct.instance, dims, 0), suffix: "AA" })
        off += struct.size * Math.max(1, dims)
      }
      if (off > MAX_STRUCT_SIZE) return bad(`larger than ${MAX_STRUCT_SIZE} bytes`)
    }
    if (members.length > 0xffff) return bad("too many members")
    const size = alignUp(off, 4)
    let handle = crc16(templateDefinition({ name: def.name, members, predefined: false }).bytes)
    while (handles.has(handle)) handle = (handle + 1) & 0xffff
    handles.add(handle)
    const layout = withLookup({ name: def.name, instance: FIRST_UDT_INSTANCE + done.length, handle, size, members, predefined: false })
    done.push(layout)
    known.set(def.name.toLowerCase(), layout)
  }
  return Either.right(registryOf(done))
}

/**
 * The members of a structure as they would be declared (hidden BOOL hosts left out): what
 * `--list-tags` and the web API show, and what `formatUdtText` prints as `Motor{Speed:REAL,…}`.
 */
export const declaredMembers = (l: StructLayout): ReadonlyArray<UdtMember> =>
  l.members.filter((m) => !m.hidden).map((m) => {
    const type = m.kind === "bit" || m.kind === "bits" ? "BOOL"
      : m.kind === "struct" ? (m.struct!.handle === LOGIX_STRING_HANDLE ? "STRING" : m.struct!.name)
      : m.atomic!
    return m.dims > 0 ? { name: m.name, type, dims: m.dims } : { name: m.name, type }
  })
