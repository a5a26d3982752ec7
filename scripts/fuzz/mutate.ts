/**
 * Structure-aware mutators over EtherNet/IP frames and CIP requests, driven by a seeded PRNG so a
 * run is reproducible from its seed. Each mutator names itself, so a crash report says how the
 * offending input was made.
 */
import { encodeRequest } from "../../src/cip/request.js"
import type { CipRequest } from "../../src/cip/model.js"

/** A small seeded PRNG (mulberry32): deterministic, fast, good enough for fuzzing. */
export const prng = (seed: number) => {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number): number => Math.floor(next() * n)
  const pick = <A>(xs: ReadonlyArray<A>): A => xs[int(xs.length)]!
  return { next, int, pick }
}
export type Rng = ReturnType<typeof prng>

const INTERESTING_8 = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff]
const INTERESTING_16 = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x1ff, 0x7fff, 0x8000, 0xfffe, 0xffff]

const copy = (b: Uint8Array): Uint8Array => Uint8Array.from(b)
const setU16 = (b: Uint8Array, at: number, v: number): void => { b[at] = v & 0xff; b[at + 1] = (v >>> 8) & 0xff }

type Mutator = (b: Uint8Array, r: Rng) => Uint8Array

/** Byte-level mutators: they know nothing of the structure. */
const bytewise: Record<string, Mutator> = {
  bitflip: (b, r) => { const o = copy(b); const n = 1 + r.int(4); for (let i = 0; i < n && o.length > 0; i++) o[r.int(o.length)]! ^= 1 << r.int(8); return o },
  byte: (b, r) => { const o = copy(b); if (o.length > 0) o[r.int(o.length)] = r.pick(INTERESTING_8); return o },
  word: (b, r) => { const o = copy(b); if (o.length > 1) setU16(o, r.int(o.length - 1), r.pick(INTERESTING_16)); return o },
  truncate: (b, r) => b.slice(0, r.int(b.length + 1)),
  extend: (b, r) => { const n = 1 + r.int(r.next() < 0.9 ? 16 : 600); const o = new Uint8Array(b.length + n); o.set(b); for (let i = b.length; i < o.length; i++) o[i] = r.int(256); return o },
  cut: (b, r) => { if (b.length < 2) return copy(b); const s = r.int(b.length); const e = s + 1 + r.int(Math.min(8, b.length - s)); const o = new Uint8Array(b.length - (e - s)); o.set(b.subarray(0, s)); o.set(b.subarray(e), s); return o },
  duplicate: (b, r) => { if (b.length === 0) return copy(b); const s = r.int(b.length); const e = Math.min(b.length, s + 1 + r.int(16)); const o = new Uint8Array(b.length + e - s); o.set(b.subarray(0, e)); o.set(b.subarray(s), e); return o }
}

/** CIP-aware mutators: path size, symbol lengths, element counts, MSP tables, nesting. */
const cipwise: Record<string, Mutator> = {
  pathSize: (b, r) => { const o = copy(b); if (o.length > 1) o[1] = r.pick([0, 1, o[1]! + 1, o[1]! - 1, 0x7f, 0xff].map((x) => x & 0xff)); return o },
  symbolLength: (b, r) => {
    const o = copy(b)
    const at = o.indexOf(0x91)
    if (at >= 0 && at + 1 < o.length) o[at + 1] = r.pick([0, 1, o[at + 1]! + 1, o[at + 1]! - 1, 0x7f, 0xff].map((x) => x & 0xff))
    return o
  },
  elementCount: (b, r) => {
    // Read/Write Tag: the UINT after the path is the element count.
    const o = copy(b)
    const at = 2 + 2 * (o[1] ?? 0)
    if (at + 1 < o.length) setU16(o, at, r.pick([0, 0x7fff, 0x8000, 0xffff, 2001, 101]))
    if ((o[0] === 0x4d || o[0] === 0x53) && at + 3 < o.length) setU16(o, at + 2, r.pick([0, 0xffff, 0x1000]))
    return o
  },
  elementIndex: (b, r) => {
    const o = copy(b)
    const i = o.findIndex((x, k) => k > 1 && (x === 0x28 || x === 0x29 || x === 0x2a))
    if (i >= 0 && i + 1 < o.length) o[i + 1] = r.pick([0xff, 0x7f, 0x64])
    if (i >= 0 && o[i] === 0x2a && i + 5 < o.length) { o[i + 2] = 0xff; o[i + 3] = 0xff; o[i + 4] = 0xff; o[i + 5] = 0xff }
    return o
  },
  mspTable: (b, r) => {
    // Corrupt the MSP count or an offset (MSP data starts after service, path size and path).
    const o = copy(b)
    if (o[0] !== 0x0a) return bytewise.word!(o, r)
    const at = 2 + 2 * (o[1] ?? 0)
    const slot = at + 2 * r.int(3)
    if (slot + 1 < o.length) setU16(o, slot, r.pick(INTERESTING_16))
    return o
  },
  nest: (b, r) => {
    // Wrap in 1..12 Multiple Service Packets (deeper than any limit the decoder may have).
    let cur = b
    const depth = 1 + r.int(12)
    for (let d = 0; d < depth; d++) {
      const n = cur.length > 8000 ? 1 : 1 + r.int(3)
      const head = 2 + 2 * 2 // service, path size 2 words: class 2, instance 1
      const out = new Uint8Array(head + 2 + 2 * n + n * cur.length)
      out.set([0x0a, 0x02, 0x20, 0x02, 0x24, 0x01])
      setU16(out, head, n)
      for (let i = 0; i < n; i++) {
        setU16(out, head + 2 + 2 * i, 2 + 2 * n + i * cur.length)
        out.set(cur, head + 2 + 2 * n + i * cur.length)
      }
      cur = out
    }
    return cur
  },
  manyRequests: (b, r) => {
    // An MSP with thousands of tiny embedded requests (fan-out, not depth).
    const n = 100 + r.int(4000)
    const item = b.length > 0 && b.length < 64 ? b : Uint8Array.of(0x4c, 0x03, 0x91, 0x05, 0x53, 0x43, 0x41, 0x44, 0x41, 0x00, 0x01, 0x00)
    const head = 6
    const out = new Uint8Array(head + 2 + 2 * n + n * item.length)
    out.set([0x0a, 0x02, 0x20, 0x02, 0x24, 0x01])
    setU16(out, head, n)
    for (let i = 0; i < n; i++) {
      setU16(out, head + 2 + 2 * i, Math.min(0xffff, 2 + 2 * n + i * item.length))
      out.set(item, head + 2 + 2 * n + i * item.length)
    }
    return out
  },
  routedLength: (b, r) => {
    // Unconnected Send: its embedded message length (after 2 bytes of tick/timeout) lies.
    const o = copy(b)
    if (o[0] !== 0x52) return bytewise.word!(o, r)
    const at = 2 + 2 * (o[1] ?? 0) + 2
    if (at + 1 < o.length) setU16(o, at, r.pick([0, 1, 0xffff, o.length, o.length - at]))
    return o
  }
}

const pickMutator = (table: Record<string, Mutator>, r: Rng): [string, Mutator] => {
  const keys = Object.keys(table)
  const k = r.pick(keys)
  return [k, table[k]!]
}

/** Mutate a CIP request 1..3 times; returns the bytes and the mutators applied. */
export const mutateCip = (seed: Uint8Array, r: Rng): { bytes: Uint8Array; how: string } => {
  let b = seed
  const hows: Array<string> = []
  const n = 1 + r.int(3)
  for (let i = 0; i < n; i++) {
    const [name, m] = r.next() < 0.55 ? pickMutator(cipwise, r) : pickMutator(bytewise, r)
    b = m(b, r)
    hows.push(name)
  }
  return { bytes: b, how: hows.join("+") }
}

/** Frame-level mutations: header fields, CPF count and item lengths (lying or consistent). */
const framewise: Record<string, Mutator> = {
  command: (b, r) => { const o = copy(b); if (o.length >= 2) setU16(o, 0, r.pick([0, 1, 4, 0x63, 0x64, 0x65, 0x66, 0x6f, 0x70, 0x71, 0xffff])); return o },
  lengthLie: (b, r) => { const o = copy(b); if (o.length >= 4) setU16(o, 2, r.pick([0, 1, o.length - 24 + 1, Math.max(0, o.length - 25), 0xffff, 600])); return o },
  session: (b, r) => { const o = copy(b); if (o.length >= 8) { o[4] = r.int(256); o[5] = r.int(3) } return o },
  status: (b, r) => { const o = copy(b); if (o.length >= 12) o[8 + r.int(4)] = r.int(256); return o },
  options: (b, r) => { const o = copy(b); if (o.length >= 24) o[20 + r.int(4)] = r.int(256); return o },
  cpfCount: (b, r) => { const o = copy(b); if (o.length >= 32) setU16(o, 30, r.pick([0, 1, 3, 0xff, 0xffff])); return o },
  itemLength: (b, r) => {
    // Item lengths at 34 (address item) and after it (data item): lie about one of them.
    const o = copy(b)
    if (o.length < 36) return o
    const addrLen = o[34]! | (o[35]! << 8)
    const at = r.next() < 0.5 || 38 + addrLen + 2 > o.length ? 34 : 36 + addrLen + 2
    if (at + 1 < o.length) setU16(o, at, r.pick([0, 1, 0xffff, 0x7fff, (o[at]! | (o[at + 1]! << 8)) + 1, (o[at]! | (o[at + 1]! << 8)) - 1].map((x) => x & 0xffff)))
    return o
  }
}

/** Put the header's length field right (the frame stays well delimited on a stream). */
export const fixLength = (b: Uint8Array): Uint8Array => {
  if (b.length < 24) return b
  const o = copy(b)
  setU16(o, 2, Math.min(0xffff, o.length - 24))
  return o
}

export interface Mutant {
  readonly bytes: Uint8Array
  readonly how: string
  /** The header length agrees with the bytes (the stream stays framed). */
  readonly framed: boolean
}

/**
 * Make one mutant frame. Most mutants keep the encapsulation consistent and corrupt the CIP
 * inside (so decoding reaches the deep layers); the rest corrupt the frame itself.
 */
export const mutateFrame = (frames: ReadonlyArray<Uint8Array>, cip: ReadonlyArray<Uint8Array>, r: Rng, wrap: (cip: Uint8Array) => Uint8Array): Mutant => {
  const roll = r.next()
  if (roll < 0.55) {
    const m = mutateCip(r.pick(cip), r)
    const bytes = wrap(m.bytes)
    // Past 65,535 data bytes the header's UINT length wraps: the frame lies about its size.
    return { bytes, how: `cip:${m.how}`, framed: bytes.length - 24 <= 0xffff }
  }
  let b = r.pick(frames)
  const hows: Array<string> = []
  const n = 1 + r.int(2)
  for (let i = 0; i < n; i++) {
    const [name, m] = r.next() < 0.6 ? pickMutator(framewise, r) : pickMutator(bytewise, r)
    b = m(b, r)
    hows.push(name)
  }
  const keepFramed = r.next() < 0.7 && !hows.includes("lengthLie")
  const bytes = keepFramed ? fixLength(b) : b
  const framed = bytes.length >= 24 && (bytes[2]! | (bytes[3]! << 8)) === bytes.length - 24
  return { bytes, how: `frame:${hows.join("+")}${keepFramed ? "" : ":raw"}`, framed }
}

/** Encode a request, for mutators wanting structure. */
export const bytesOf = (req: CipRequest): Uint8Array => encodeRequest(req)
