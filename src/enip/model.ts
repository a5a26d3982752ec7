/**
 * The decoded shapes of EtherNet/IP encapsulation: the 24-byte header, the commands, and the
 * Common Packet Format (CPF) items. CIP payloads (in 0xB1 / 0xB2 items) stay raw bytes here; the
 * CIP codec decodes them in the light of direction and context.
 */

export const Command = {
  Nop: 0x0000,
  ListServices: 0x0004,
  ListIdentity: 0x0063,
  ListInterfaces: 0x0064,
  RegisterSession: 0x0065,
  UnregisterSession: 0x0066,
  SendRRData: 0x006f,
  SendUnitData: 0x0070
} as const

export const HEADER_SIZE = 24

export interface EncapHeader {
  readonly command: number
  readonly length: number // of the data after the header
  readonly sessionHandle: number
  readonly status: number
  readonly senderContext: Uint8Array // 8 bytes
  readonly options: number
}

export const ItemType = {
  NullAddress: 0x0000,
  ListIdentity: 0x000c,
  ConnectedAddress: 0x00a1,
  ConnectedData: 0x00b1,
  UnconnectedData: 0x00b2,
  ListServices: 0x0100,
  SockaddrOT: 0x8000, // originator → target
  SockaddrTO: 0x8001, // target → originator
  SequencedAddress: 0x8002
} as const

/** Socket address (big-endian on the wire, as struct sockaddr_in). */
export interface Sockaddr {
  readonly family: number // 2 = AF_INET
  readonly port: number
  readonly address: string // dotted quad
}

/** The Identity object's attributes 1–7, as ListIdentity and Get Attributes All carry them. */
export interface IdentityFields {
  readonly vendorId: number
  readonly deviceType: number
  readonly productCode: number
  readonly revision: readonly [number, number] // major, minor
  readonly status: number
  readonly serialNumber: number
  readonly productName: string
}

export interface IdentityItem extends IdentityFields {
  readonly protocolVersion: number
  readonly sockaddr: Sockaddr
  readonly state: number
  /** Bytes after the state byte (some devices send them); kept so the item re-encodes exactly. */
  readonly extra?: Uint8Array
}

export type CpfItem =
  | { readonly _tag: "NullAddress" }
  | { readonly _tag: "ConnectedAddress"; readonly connectionId: number }
  | { readonly _tag: "SequencedAddress"; readonly connectionId: number; readonly sequence: number }
  | { readonly _tag: "ConnectedData"; readonly sequence: number; readonly data: Uint8Array }
  | { readonly _tag: "UnconnectedData"; readonly data: Uint8Array }
  | { readonly _tag: "ListIdentity"; readonly identity: IdentityItem }
  /**
   * `name` is NUL-terminated on the wire and NUL-padded to 16 bytes ("Communications\0\0"), as
   * the specification and devices have it. `nameSize` (bytes of the name field incl. NULs) is set
   * when it is not that: cpppo, for one, sends 15 bytes ("Communications\0").
   */
  | { readonly _tag: "ListServices"; readonly version: number; readonly capability: number; readonly name: string; readonly nameSize?: number }
  | { readonly _tag: "Sockaddr"; readonly typeId: 0x8000 | 0x8001; readonly sockaddr: Sockaddr }
  | { readonly _tag: "Unknown"; readonly typeId: number; readonly data: Uint8Array }

/** Encapsulation command bodies (requests and replies share shapes). */
export type EnipBody =
  | { readonly _tag: "Nop"; readonly data: Uint8Array }
  /**
   * List* requests carry no data: empty `items` encode as no bytes at all. A reply with a CPF of
   * count 0 (e.g. ListInterfaces on a device without interfaces) sets `emptyCpf: true` so the
   * UINT count 0 is written (and decoding `00 00` sets it).
   */
  | { readonly _tag: "ListServices"; readonly items: ReadonlyArray<CpfItem>; readonly emptyCpf?: boolean }
  | { readonly _tag: "ListIdentity"; readonly items: ReadonlyArray<CpfItem>; readonly emptyCpf?: boolean }
  | { readonly _tag: "ListInterfaces"; readonly items: ReadonlyArray<CpfItem>; readonly emptyCpf?: boolean }
  | { readonly _tag: "RegisterSession"; readonly protocolVersion: number; readonly options: number }
  | { readonly _tag: "UnregisterSession" }
  | { readonly _tag: "SendRRData"; readonly interfaceHandle: number; readonly timeout: number; readonly items: ReadonlyArray<CpfItem> }
  | { readonly _tag: "SendUnitData"; readonly interfaceHandle: number; readonly timeout: number; readonly items: ReadonlyArray<CpfItem> }
  /** Any other command (or a reply with a non-zero status and no body): raw data. */
  | { readonly _tag: "Unsupported"; readonly command: number; readonly data: Uint8Array }

export interface EnipFrame {
  readonly header: EncapHeader
  readonly body: EnipBody
}
