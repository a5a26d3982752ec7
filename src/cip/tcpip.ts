/** The TCP/IP Interface object's (class 0xF5) Get Attributes All payload, attributes 1..6. */
import { Either } from "effect"
import { fail, Writer } from "./bytes.js"
import { decodeEPath, writeSegments } from "./epath.js"
import type { CodecError } from "./errors.js"
import type { EPath } from "./model.js"

const latin1 = new TextDecoder("latin1")

export interface TcpIpAttributes {
  readonly status: number
  readonly capability: number
  readonly control: number
  readonly physicalLink: EPath
  /** IP addresses as dotted quads (UDINTs on the wire). */
  readonly ipAddress: string
  readonly networkMask: string
  readonly gateway: string
  readonly nameServer: string
  readonly nameServer2: string
  readonly domainName: string
  readonly hostName: string
}

const quad = (v: number): string => `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`
const unquad = (s: string): number => {
  const p = s.split(".").map(Number)
  return p.length === 4 && p.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)
    ? ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0 : 0
}

/** CIP STRING: UINT length, chars, pad to even. */
const readString = (b: Uint8Array, p: number): { s: string; next: number } | undefined => {
  if (p + 2 > b.length) return undefined
  const n = b[p]! | (b[p + 1]! << 8)
  const next = p + 2 + n + (n & 1)
  if (p + 2 + n > b.length) return undefined
  return { s: latin1.decode(b.subarray(p + 2, p + 2 + n)), next: Math.min(next, b.length) }
}
const writeString = (w: Writer, s: string): void => {
  w.u16(s.length)
  for (let k = 0; k < s.length; k++) w.u8(s.charCodeAt(k))
  if (s.length & 1) w.u8(0)
}

export const decodeTcpIp = (b: Uint8Array): Either.Either<TcpIpAttributes, CodecError> => {
  if (b.length < 14) return fail("Truncated", 0, "TCP/IP attributes")
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const words = dv.getUint16(12, true)
  const cfgAt = 14 + words * 2
  if (cfgAt + 20 > b.length) return fail("Truncated", 12, "TCP/IP physical link path / interface configuration")
  const link = decodeEPath(b, 14, words)
  if (Either.isLeft(link)) return Either.left(link.left)
  const domain = readString(b, cfgAt + 20)
  const host = domain && readString(b, domain.next)
  if (!domain || !host) return fail("Truncated", cfgAt + 20, "TCP/IP domain / host name")
  if (host.next !== b.length) return fail("BadLength", host.next, "bytes after the TCP/IP host name")
  return Either.right({
    status: dv.getUint32(0, true), capability: dv.getUint32(4, true), control: dv.getUint32(8, true), physicalLink: link.right,
    ipAddress: quad(dv.getUint32(cfgAt, true)), networkMask: quad(dv.getUint32(cfgAt + 4, true)), gateway: quad(dv.getUint32(cfgAt + 8, true)),
    nameServer: quad(dv.getUint32(cfgAt + 12, true)), nameServer2: quad(dv.getUint32(cfgAt + 16, true)),
    domainName: domain.s, hostName: host.s
  })
}

export const encodeTcpIp = (t: TcpIpAttributes): Uint8Array => {
  const w = new Writer(64)
  w.u32(t.status).u32(t.capability).u32(t.control)
  const at = w.skip(2)
  const start = w.pos
  writeSegments(w, t.physicalLink)
  w.setU16(at, (w.pos - start) >> 1)
  for (const ip of [t.ipAddress, t.networkMask, t.gateway, t.nameServer, t.nameServer2]) w.u32(unquad(ip))
  writeString(w, t.domainName)
  writeString(w, t.hostName)
  return w.finish()
}
