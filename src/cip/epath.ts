/**
 * EPATH: the CIP path of segments (port, logical, symbolic, key, data). Decoding accepts the 8-,
 * 16- and 32-bit logical forms and every padding variant; encoding produces the compact form.
 */
import { Either } from "effect"
import { fail, Writer } from "./bytes.js"
import type { CodecError } from "./errors.js"
import type { EPath, Segment } from "./model.js"

const latin1 = new TextDecoder("latin1")

/** Logical segment type base codes (format bits 0..1 select 8/16/32-bit). */
const LOGICAL: Record<number, Segment["_tag"]> = {
  0x20: "Class",
  0x24: "Instance",
  0x28: "Element",
  0x2c: "ConnectionPoint",
  0x30: "Attribute"
}
const LOGICAL_CODE = { Class: 0x20, Instance: 0x24, Element: 0x28, Member: 0x28, ConnectionPoint: 0x2c, Attribute: 0x30 } as const

const logical = (tag: Segment["_tag"], v: number): Segment => {
  switch (tag) {
    case "Element": return { _tag: "Element", index: v }
    case "Class": return { _tag: "Class", id: v }
    case "Instance": return { _tag: "Instance", id: v }
    case "Attribute": return { _tag: "Attribute", id: v }
    default: return { _tag: "ConnectionPoint", id: v }
  }
}

const u16 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8)

/** Latin-1 text of a short byte run (TextDecoder has a fixed cost that dominates short names). */
export const latin1Text = (b: Uint8Array, start: number, end: number): string => {
  if (end - start > 64) return latin1.decode(b.subarray(start, end))
  let s = ""
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!)
  return s
}

// Clients ask for the same few tag names again and again. The names last decoded are kept beside
// their bytes, so a repeated name is the same string as before: the tag lookup then finds its hash
// already computed instead of building and hashing a new string per request. A cache slot holds
// one name, chosen by length and first and last byte; a name of other bytes simply replaces it.
const NAME_SLOTS = 64
const nameBytes: Array<Uint8Array | undefined> = new Array(NAME_SLOTS)
const nameText: Array<string> = new Array(NAME_SLOTS)
const symbolName = (b: Uint8Array, start: number, len: number): string => {
  if (len === 0 || len > 40) return latin1Text(b, start, start + len)
  const slot = (len * 31 + b[start]! * 7 + b[start + len - 1]!) & (NAME_SLOTS - 1)
  const kept = nameBytes[slot]
  if (kept !== undefined && kept.length === len) {
    let same = true
    for (let i = 0; i < len; i++) if (kept[i] !== b[start + i]) { same = false; break }
    if (same) return nameText[slot]!
  }
  const text = latin1Text(b, start, start + len)
  nameBytes[slot] = b.slice(start, start + len)
  nameText[slot] = text
  return text
}

/**
 * Decode segments from `bytes[offset, end)`. Every segment must lie wholly inside the range.
 * Loops advance by at least 2 bytes per segment, so decoding always ends.
 */
const decodeSegments = (bytes: Uint8Array, offset: number, end: number): Either.Either<EPath, CodecError> => {
  if (end > bytes.length) return fail("Truncated", bytes.length, `EPATH of ${end - offset} bytes overruns the data`)
  const out: Array<Segment> = []
  let p = offset
  while (p < end) {
    const t = bytes[p]!
    if (p + 2 > end) return fail("Truncated", p, `EPATH segment 0x${t.toString(16)} overruns the path`)
    if ((t & 0xe0) === 0x00) {
      // Port segment: bit 4 = link address size follows; port 15 = extended port (UINT) follows.
      let q = p + 1
      let linkSize = 1
      if (t & 0x10) linkSize = bytes[q++]!
      let port = t & 0x0f
      if (port === 0x0f) {
        if (q + 2 > end) return fail("Truncated", p, "extended port overruns the path")
        port = u16(bytes, q)
        q += 2
      }
      if (q + linkSize > end) return fail("Truncated", p, "port link address overruns the path")
      const link: number | string = t & 0x10 ? latin1Text(bytes, q, q + linkSize) : bytes[q]!
      q += linkSize
      if ((q - p) & 1) q++
      if (q > end) return fail("Truncated", p, "port segment pad overruns the path")
      out.push({ _tag: "Port", port, link })
      p = q
      continue
    }
    const base = t & 0xfc
    const tag = LOGICAL[base]
    if (tag !== undefined) {
      const fmt = t & 0x03
      if (fmt === 0) { out.push(logical(tag, bytes[p + 1]!)); p += 2; continue }
      if (fmt === 1) {
        if (p + 4 > end) return fail("Truncated", p, "16-bit logical segment overruns the path")
        out.push(logical(tag, u16(bytes, p + 2))); p += 4; continue
      }
      if (fmt === 2) {
        if (p + 6 > end) return fail("Truncated", p, "32-bit logical segment overruns the path")
        out.push(logical(tag, (u16(bytes, p + 2) + u16(bytes, p + 4) * 0x10000))); p += 6; continue
      }
      return fail("BadSegment", p, `reserved logical format in segment 0x${t.toString(16)}`)
    }
    if (t === 0x91) {
      const len = bytes[p + 1]!
      const q = p + 2 + len + (len & 1)
      if (q > end) return fail("Truncated", p, "symbolic segment overruns the path")
      out.push({ _tag: "Symbolic", name: symbolName(bytes, p + 2, len) })
      p = q
      continue
    }
    if (t === 0x34) {
      // Electronic key, format 4: vendor, device type, product code (UINTs), major (bit 7 = compat), minor.
      if (bytes[p + 1] !== 4) return fail("BadSegment", p, `electronic key format ${bytes[p + 1]} not supported`)
      if (p + 10 > end) return fail("Truncated", p, "electronic key overruns the path")
      const major = bytes[p + 8]!
      out.push({
        _tag: "Key", vendor: u16(bytes, p + 2), deviceType: u16(bytes, p + 4), productCode: u16(bytes, p + 6),
        major: major & 0x7f, compatibility: (major & 0x80) !== 0, minor: bytes[p + 9]!
      })
      p += 10
      continue
    }
    if (t === 0x80) {
      const q = p + 2 + bytes[p + 1]! * 2
      if (q > end) return fail("Truncated", p, "data segment overruns the path")
      out.push({ _tag: "Data", data: bytes.subarray(p + 2, q) })
      p = q
      continue
    }
    return fail("BadSegment", p, `unknown EPATH segment type 0x${t.toString(16).padStart(2, "0")}`)
  }
  return Either.right(out)
}

// Clients ask for the same few paths again and again (a Multiple Service Packet of 16 reads
// carries the same 16 paths every time), so decoded paths are kept beside their bytes and a
// repeated path is the decoded path of before: no segment objects to build per request, and the
// tag lookup meets the same name strings. A slot is chosen by a hash of the bytes and holds one
// path; another path of the same hash replaces it. Paths are read-only (EPath is a ReadonlyArray
// of readonly segments), so sharing one between requests is safe; a path holding a view of the
// request's bytes (a Data segment) is not kept.
const PATH_SLOTS = 256
const MAX_CACHED_PATH = 48
const pathBytes: Array<Uint8Array | undefined> = new Array(PATH_SLOTS)
const pathDecoded: Array<Either.Either<EPath, CodecError>> = new Array(PATH_SLOTS)

/** Decode exactly `words`*2 bytes of segments starting at `offset`. */
export const decodeEPath = (bytes: Uint8Array, offset: number, words: number): Either.Either<EPath, CodecError> => {
  const end = offset + words * 2
  if (words === 0 || end > bytes.length || end - offset > MAX_CACHED_PATH) return decodeSegments(bytes, offset, end)
  let h = 0x811c9dc5
  for (let i = offset; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193)
  const slot = (h ^ (h >>> 16)) & (PATH_SLOTS - 1)
  const kept = pathBytes[slot]
  if (kept !== undefined && kept.length === end - offset) {
    let same = true
    for (let i = 0; i < kept.length; i++) if (kept[i] !== bytes[offset + i]) { same = false; break }
    if (same) return pathDecoded[slot]!
  }
  const decoded = decodeSegments(bytes, offset, end)
  // A Data segment is a view of the bytes decoded, which may be reused for others: not kept.
  if (Either.isRight(decoded) && !decoded.right.some((segment) => segment._tag === "Data")) {
    pathBytes[slot] = bytes.slice(offset, end)
    pathDecoded[slot] = decoded
  }
  return decoded
}

/**
 * Decode a USINT word count (plus a pad byte when `padded`, as in route paths) then the segments;
 * `next` is the offset just after the path.
 */
export const decodePathWithSize = (
  bytes: Uint8Array,
  offset: number,
  opts?: { readonly padded?: boolean }
): Either.Either<{ path: EPath; next: number }, CodecError> => {
  const head = opts?.padded ? 2 : 1
  if (offset + head > bytes.length) return fail("Truncated", offset, "EPATH size")
  const words = bytes[offset]!
  const start = offset + head
  const next = start + words * 2
  if (next > bytes.length) return fail("BadLength", offset, `EPATH size ${words} words overruns the data`)
  return Either.map(decodeSegments(bytes, start, next), (path) => ({ path, next }))
}

const linkBytes = (link: number | string): Uint8Array | undefined => {
  if (typeof link === "number") return undefined
  const b = new Uint8Array(link.length)
  for (let i = 0; i < link.length; i++) b[i] = link.charCodeAt(i) & 0xff
  return b
}

const writeLogical = (w: Writer, code: number, v: number): void => {
  if (v >= 0 && v <= 0xff) w.u8(code).u8(v)
  else if (v <= 0xffff) w.u8(code | 1).u8(0).u16(v)
  else w.u8(code | 2).u8(0).u32(v)
}

/** Write segments (compact forms, each padded to a 16-bit boundary). */
export const writeSegments = (w: Writer, path: EPath): void => {
  for (const s of path) {
    switch (s._tag) {
      case "Port": {
        const lb = linkBytes(s.link)
        const ext = s.port >= 0x0f
        const start = w.pos
        w.u8((ext ? 0x0f : s.port) | (lb ? 0x10 : 0))
        if (lb) w.u8(lb.length)
        if (ext) w.u16(s.port)
        if (lb) w.bytes(lb)
        else w.u8(s.link as number)
        if ((w.pos - start) & 1) w.u8(0)
        break
      }
      case "Class": case "Instance": case "Attribute": case "Member": case "ConnectionPoint":
        writeLogical(w, LOGICAL_CODE[s._tag], s.id)
        break
      case "Element":
        writeLogical(w, LOGICAL_CODE.Element, s.index)
        break
      case "Symbolic": {
        const n = Math.min(255, s.name.length)
        w.u8(0x91).u8(n)
        for (let i = 0; i < n; i++) w.u8(s.name.charCodeAt(i))
        if (n & 1) w.u8(0)
        break
      }
      case "Key":
        w.u8(0x34).u8(4).u16(s.vendor).u16(s.deviceType).u16(s.productCode)
          .u8((s.major & 0x7f) | (s.compatibility ? 0x80 : 0)).u8(s.minor)
        break
      case "Data":
        w.u8(0x80).u8((s.data.length + 1) >> 1).bytes(s.data)
        if (s.data.length & 1) w.u8(0)
        break
    }
  }
}

/** Encode segments only (no size), compact forms, padded to words. */
export const encodeEPath = (path: EPath): Uint8Array => {
  const w = new Writer(32)
  writeSegments(w, path)
  return w.finish()
}

/** Write a USINT word count (+ pad byte when `padded`) and the segments. */
export const writePathWithSize = (w: Writer, path: EPath, padded = false): void => {
  const at = w.skip(padded ? 2 : 1)
  const start = w.pos
  writeSegments(w, path)
  w.setU8(at, (w.pos - start) >> 1)
}

/** Encode a USINT word count (+ pad byte when `padded`) and the segments. */
export const encodePathWithSize = (path: EPath, opts?: { readonly padded?: boolean }): Uint8Array => {
  const w = new Writer(32)
  writePathWithSize(w, path, opts?.padded ?? false)
  return w.finish()
}

const segmentFromJson = (o: unknown): Segment | undefined => {
  if (typeof o !== "object" || o === null) return undefined
  const r = o as Record<string, unknown>
  const num = (k: string) => (typeof r[k] === "number" && Number.isInteger(r[k]) && (r[k] as number) >= 0 ? (r[k] as number) : undefined)
  if ("port" in r) {
    const port = num("port")
    const link = typeof r.link === "string" ? r.link : num("link")
    return port !== undefined && link !== undefined ? { _tag: "Port", port, link } : undefined
  }
  if (num("class") !== undefined) return { _tag: "Class", id: num("class")! }
  if (num("instance") !== undefined) return { _tag: "Instance", id: num("instance")! }
  if (num("attribute") !== undefined) return { _tag: "Attribute", id: num("attribute")! }
  if (num("element") !== undefined) return { _tag: "Element", index: num("element")! }
  if (num("connection") !== undefined) return { _tag: "ConnectionPoint", id: num("connection")! }
  if (typeof r.symbolic === "string") return { _tag: "Symbolic", name: r.symbolic }
  return undefined
}

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/

const LATIN1 = /^[\x00-\xff]*$/

/**
 * Why a route path segment cannot go on the wire as written (the encoder would wrap a USINT
 * length or value, or truncate), or undefined when it can.
 */
const routeSegmentProblem = (s: Segment): string | undefined => {
  switch (s._tag) {
    case "Port":
      if (s.port < 1 || s.port > 0xffff) return `port ${s.port} out of range 1..65535`
      if (typeof s.link === "number") return s.link > 0xff ? `link ${s.link} out of range 0..255 (a longer address is text)` : undefined
      return s.link.length === 0 || s.link.length > 0xff || !LATIN1.test(s.link) ? "link address must be 1..255 Latin-1 characters" : undefined
    case "Symbolic":
      return s.name.length === 0 || s.name.length > 0xff || !LATIN1.test(s.name) ? "symbolic name must be 1..255 Latin-1 characters" : undefined
    case "Class": case "Instance": case "Attribute": case "Member": case "ConnectionPoint":
      return s.id > 0xffffffff ? `${s._tag} ${s.id} out of range` : undefined
    case "Element":
      return s.index > 0xffffffff ? `element ${s.index} out of range` : undefined
    default:
      return undefined
  }
}

/** A parsed route path, refused when a segment or the whole (a USINT of words) does not fit the wire. */
const checkedRoute = (path: Array<Segment>): Either.Either<EPath, CodecError> => {
  for (const s of path) {
    const problem = routeSegmentProblem(s)
    if (problem !== undefined) return fail("BadValue", 0, `route path: ${problem}`)
  }
  const words = encodeEPath(path).length >> 1
  return words > 0xff ? fail("TooLarge", 0, `route path of ${words} words exceeds 255`) : Either.right(path)
}

/**
 * Parse a route path: `"1/0"`, `"1/0/2/10.0.0.1"` (port/link pairs; a link may be an IP address),
 * JSON (`[{"port":1,"link":0}]`, or one such object), `""` / `"none"` → `[]`.
 */
export const parseRoutePath = (text: string): Either.Either<EPath, CodecError> => {
  const t = text.trim()
  if (t === "" || t.toLowerCase() === "none" || t === "[]") return Either.right([])
  if (t.startsWith("[") || t.startsWith("{")) {
    let parsed: unknown
    try { parsed = JSON.parse(t) } catch { return fail("BadValue", 0, `route path is not valid JSON: ${t}`) }
    const list = Array.isArray(parsed) ? parsed : [parsed]
    const out: Array<Segment> = []
    for (const o of list) {
      const s = segmentFromJson(o)
      if (s === undefined) return fail("BadSegment", 0, `route path segment not understood: ${JSON.stringify(o)}`)
      out.push(s)
    }
    return checkedRoute(out)
  }
  const parts = t.split(/[/,]/).map((s) => s.trim())
  if (parts.length % 2 !== 0) return fail("BadValue", 0, `route path needs port/link pairs: ${t}`)
  const out: Array<Segment> = []
  for (let i = 0; i < parts.length; i += 2) {
    const port = Number(parts[i])
    const l = parts[i + 1]!
    if (!/^\d+$/.test(parts[i]!) || port < 1 || port > 0xffff) return fail("BadValue", 0, `bad port '${parts[i]}' in route path`)
    if (/^\d+$/.test(l) && Number(l) <= 255) out.push({ _tag: "Port", port, link: Number(l) })
    else if (IPV4.test(l) || /^[\w.:-]+$/.test(l)) out.push({ _tag: "Port", port, link: l })
    else return fail("BadValue", 0, `bad link '${l}' in route path`)
  }
  return checkedRoute(out)
}

/**
 * Human-readable path: symbolic names joined by `.` with `[i]` elements (`SCADA[3]`, `A.B[1]`),
 * logical paths as `@class/instance/attribute` with hex class (`@0x6b/8/1`), ports as `port/link`.
 */
export const formatEPath = (path: EPath): string => {
  let s = ""
  let logicalOpen = false
  for (const seg of path) {
    switch (seg._tag) {
      case "Symbolic": s += (s === "" ? "" : logicalOpen ? " " : ".") + seg.name; logicalOpen = false; break
      case "Element": s += `[${seg.index}]`; break
      case "Class": s += `${s === "" ? "" : " "}@0x${seg.id.toString(16)}`; logicalOpen = true; break
      case "Instance": case "Attribute": case "Member": case "ConnectionPoint":
        s += logicalOpen ? `/${seg.id}` : `${s === "" ? "" : " "}@${seg._tag}=${seg.id}`; logicalOpen = true; break
      case "Port": s += `${s === "" ? "" : " "}${seg.port}/${seg.link}`; logicalOpen = false; break
      case "Key": s += `${s === "" ? "" : " "}key(${seg.vendor}/${seg.deviceType}/${seg.productCode}/${seg.major}.${seg.minor})`; logicalOpen = false; break
      case "Data": s += `${s === "" ? "" : " "}data(${seg.data.length})`; logicalOpen = false; break
    }
  }
  return s
}

/** The class id of a path's first Class segment (used to disambiguate service codes). */
export const pathClass = (path: EPath): number | undefined => {
  for (const s of path) if (s._tag === "Class") return s.id
  return undefined
}
