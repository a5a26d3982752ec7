/**
 * Address arithmetic for fleets: N controllers at consecutive addresses from a base. With an IPv4
 * (or IPv6) host the host steps (127.0.1.1, 127.0.1.2, … all on the same port, as PLCs on a plant
 * network are); with a wildcard or a host name the port steps instead (one interface, ports
 * 44818, 44819, …), since one name or "all interfaces" cannot be told apart by address.
 */
import { Either } from "effect"
import type { HostPort } from "./address.js"

/** `a.b.c.d` → 32-bit number, or undefined when not a dotted quad. */
export const parseIpv4 = (text: string): number | undefined => {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)
  if (m === null) return undefined
  const parts = m.slice(1).map(Number)
  if (parts.some((p) => p > 255)) return undefined
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0
}

export const formatIpv4 = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`

/** An IPv6 literal (no zone) → 128-bit bigint, or undefined. */
export const parseIpv6 = (text: string): bigint | undefined => {
  if (!/^[0-9a-fA-F:]+$/.test(text) || !text.includes(":")) return undefined
  const halves = text.split("::")
  if (halves.length > 2) return undefined
  const groups = (s: string) => (s === "" ? [] : s.split(":"))
  const head = groups(halves[0]!)
  const tail = halves.length === 2 ? groups(halves[1]!) : []
  const fill = 8 - head.length - tail.length
  if (halves.length === 2 ? fill < 1 : head.length !== 8) return undefined
  const all = [...head, ...Array.from({ length: halves.length === 2 ? fill : 0 }, () => "0"), ...tail]
  let n = 0n
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined
    n = (n << 16n) | BigInt(Number.parseInt(g, 16))
  }
  return n
}

/** 128-bit bigint → compressed IPv6 text (longest zero run as `::`). */
export const formatIpv6 = (n: bigint): string => {
  const g = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(16 * (7 - i))) & 0xffffn))
  let best = -1
  let bestLen = 1
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue }
    let j = i
    while (j < 8 && g[j] === 0) j++
    if (j - i > bestLen) { best = i; bestLen = j - i }
    i = j
  }
  const hex = g.map((x) => x.toString(16))
  if (best < 0) return hex.join(":")
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`
}

const WILDCARDS = new Set(["", "0.0.0.0", "::"])

/** Does this host step by address (a literal, not a wildcard) rather than by port? */
export const stepsByHost = (host: string): boolean =>
  !WILDCARDS.has(host) && (parseIpv4(host) !== undefined || parseIpv6(host) !== undefined)

/**
 * The `index`-th address (0-based) counting from `base`: the host steps when it is an IP
 * literal, the port otherwise (port 0 stays 0: the OS picks one for each). Left when the range
 * runs past the last address or port.
 */
export const nthAddress = (base: HostPort, index: number): Either.Either<HostPort, string> => {
  if (index === 0) return Either.right(base)
  const v4 = WILDCARDS.has(base.host) ? undefined : parseIpv4(base.host)
  if (v4 !== undefined) {
    const n = v4 + index
    return n > 0xffffffff ? Either.left(`address ${base.host} + ${index} is past 255.255.255.255`) : Either.right({ host: formatIpv4(n), port: base.port })
  }
  const v6 = WILDCARDS.has(base.host) ? undefined : parseIpv6(base.host)
  if (v6 !== undefined) {
    const n = v6 + BigInt(index)
    return n >> 128n !== 0n ? Either.left(`address ${base.host} + ${index} is past the last IPv6 address`) : Either.right({ host: formatIpv6(n), port: base.port })
  }
  if (base.port === 0) return Either.right(base)
  const port = base.port + index
  return port > 65535 ? Either.left(`port ${base.port} + ${index} is past 65535`) : Either.right({ host: base.host, port })
}

/** `count` consecutive addresses from `base` (see `nthAddress`). */
export const consecutiveAddresses = (base: HostPort, count: number): Either.Either<ReadonlyArray<HostPort>, string> => {
  const out: Array<HostPort> = []
  for (let i = 0; i < count; i++) {
    const a = nthAddress(base, i)
    if (Either.isLeft(a)) return Either.left(a.left)
    out.push(a.right)
  }
  return Either.right(out)
}

/** `host:port`, with IPv6 hosts bracketed. */
export const formatHostPort = (a: HostPort): string => `${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`
