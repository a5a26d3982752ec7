/**
 * The controller's identity (Identity object 0x01, ListIdentity) and network description
 * (TCP/IP Interface 0xF5, Ethernet Link 0xF6). Defaults answer like the 1756-L61 ControlLogix
 * that cpppo's simulator reports.
 */
import { Writer } from "../cip/bytes.js"
import type { IdentityItem } from "../enip/model.js"

export interface IdentityConfig {
  readonly vendor: number
  readonly deviceType: number
  readonly productCode: number
  /** Major, minor revision. */
  readonly revision: readonly [number, number]
  /** Identity status word. */
  readonly status: number
  readonly serial: number
  readonly productName: string
  readonly state: number
  readonly configConsistency: number
  readonly heartbeat: number
}

export const DEFAULT_IDENTITY: IdentityConfig = {
  vendor: 1, // Rockwell Automation/Allen-Bradley
  deviceType: 14, // Programmable Logic Controller
  productCode: 54,
  revision: [20, 11],
  status: 0x3160,
  serial: 0x006c061a,
  productName: "1756-L61/B LOGIX5561",
  state: 255,
  configConsistency: 0,
  heartbeat: 0
}

export interface NetworkConfig {
  /** Dotted quad addresses. */
  readonly ip: string
  readonly mask: string
  readonly gateway: string
  readonly dns1: string
  readonly dns2: string
  readonly domain: string
  readonly hostName: string
  /** Six bytes, e.g. "00:1d:9c:00:00:01". */
  readonly mac: string
  /** Interface speed in Mbit/s. */
  readonly speed: number
}

export const DEFAULT_NETWORK: NetworkConfig = {
  ip: "0.0.0.0", mask: "0.0.0.0", gateway: "0.0.0.0", dns1: "0.0.0.0", dns2: "0.0.0.0",
  domain: "", hostName: "", mac: "00:1d:9c:00:00:01", speed: 100
}

const ipToU32 = (ip: string): number => {
  const p = ip.split(".").map((x) => Number.parseInt(x, 10))
  if (p.length !== 4 || p.some((x) => !(x >= 0 && x <= 255))) return 0
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0
}
const latin1 = (w: Writer, s: string) => { for (let i = 0; i < s.length; i++) w.u8(s.charCodeAt(i)) }
const sstring = (s: string) => { const w = new Writer(s.length + 1); w.u8(Math.min(255, s.length)); latin1(w, s.slice(0, 255)); return w.finish() }
/** CIP STRING (UINT length + chars), padded to an even length as the TCP/IP object requires. */
const paddedString = (w: Writer, s: string) => { w.u16(s.length); latin1(w, s); if (s.length % 2 === 1) w.u8(0) }
const u8 = (v: number) => Uint8Array.of(v & 0xff)
const u16 = (v: number) => new Writer(2).u16(v).finish()
const u32 = (v: number) => new Writer(4).u32(v).finish()

/**
 * Identity instance 1 attributes 1..10. Get Attributes All returns 1..7 (ending with the product
 * name) as a ControlLogix does — clients such as ethernet-ip take the rest of the reply as the
 * name; cpppo also appends 8..10.
 */
export const IDENTITY_ALL_LAST = 7

export const identityAttributes = (id: IdentityConfig): ReadonlyMap<number, Uint8Array> =>
  new Map([
    [1, u16(id.vendor)],
    [2, u16(id.deviceType)],
    [3, u16(id.productCode)],
    [4, Uint8Array.of(id.revision[0] & 0xff, id.revision[1] & 0xff)],
    [5, u16(id.status)],
    [6, u32(id.serial)],
    [7, sstring(id.productName)],
    [8, u8(id.state)],
    [9, u16(id.configConsistency)],
    [10, u8(id.heartbeat)]
  ])

/** The ListIdentity item, reporting the socket address the client reached. */
export const identityItem = (id: IdentityConfig, address: string, port: number): IdentityItem => ({
  protocolVersion: 1,
  sockaddr: { family: 2, port, address },
  vendorId: id.vendor,
  deviceType: id.deviceType,
  productCode: id.productCode,
  revision: [id.revision[0], id.revision[1]],
  status: id.status,
  serialNumber: id.serial,
  productName: id.productName,
  state: id.state
})

/** TCP/IP Interface instance 1 attributes 1..6. */
export const tcpIpAttributes = (n: NetworkConfig): ReadonlyMap<number, Uint8Array> => {
  const cfg = new Writer(32)
  for (const a of [n.ip, n.mask, n.gateway, n.dns1, n.dns2]) cfg.u32(ipToU32(a))
  paddedString(cfg, n.domain)
  const host = new Writer(8)
  paddedString(host, n.hostName)
  return new Map([
    [1, u32(1)], // status: configured from non-volatile storage / hardware
    [2, u32(0x14)], // capability: DHCP client, configuration settable
    [3, u32(0)], // control: static configuration
    [4, Uint8Array.of(2, 0, 0x20, 0xf6, 0x24, 0x01)], // physical link: Ethernet Link @0xF6/1
    [5, cfg.finish()],
    [6, host.finish()]
  ])
}

/** Ethernet Link instance 1 attributes 1..3. */
export const ethernetLinkAttributes = (n: NetworkConfig): ReadonlyMap<number, Uint8Array> => {
  const mac = n.mac.split(/[:-]/).map((x) => Number.parseInt(x, 16) & 0xff)
  while (mac.length < 6) mac.push(0)
  return new Map([
    [1, u32(n.speed)],
    [2, u32(0x0f)], // link active, full duplex, auto-negotiation successful
    [3, Uint8Array.from(mac.slice(0, 6))]
  ])
}

/** Message Router instance 1: attribute 1 object list, 2 maximum connections. */
export const messageRouterAttributes = (classes: ReadonlyArray<number>, maxConnections: number): ReadonlyMap<number, Uint8Array> => {
  const w = new Writer(2 + 2 * classes.length)
  w.u16(classes.length)
  for (const c of classes) w.u16(c)
  return new Map([[1, w.finish()], [2, u16(maxConnections)]])
}

/** Concatenate attributes in id order, up to `lastId` (Get Attributes All). */
export const allAttributes = (attrs: ReadonlyMap<number, Uint8Array>, lastId = Infinity): Uint8Array => {
  const w = new Writer(64)
  for (const id of [...attrs.keys()].sort((a, b) => a - b)) if (id <= lastId) w.bytes(attrs.get(id)!)
  return w.finish()
}

/** The controller (program) name object 0x64 instance 1: attribute 1, a CIP STRING (pycomm3 reads it on connect). */
export const CONTROLLER_NAME_CLASS = 0x64
export const controllerNameAttributes = (name: string): ReadonlyMap<number, Uint8Array> => {
  const w = new Writer(2 + name.length)
  w.u16(name.length)
  latin1(w, name)
  return new Map([[1, w.finish()]])
}

/** Class-level (instance 0) attributes: 1 revision, 2 max instance, 3 number of instances. */
export const classAttributes = (revision: number, instances: number): ReadonlyMap<number, Uint8Array> =>
  new Map([[1, u16(revision)], [2, u16(instances)], [3, u16(instances)]])
