/**
 * The decoded shapes of CIP: EPATH segments, Message Router requests and replies of the services
 * Logix controllers answer. The codec (decode/encode functions) produces and consumes exactly these.
 *
 * Raw data (tag values, attribute bytes, embedded messages) is carried as `Uint8Array` views into
 * the frame, never copied on decode; `types.ts` converts them to values.
 */
import type { TypeSpec } from "./types.js"

// ---------------------------------------------------------------------------------------------
// EPATH segments

/** Port segment: port number and link address (a number, or a string such as an IP address). */
export interface PortSegment { readonly _tag: "Port"; readonly port: number; readonly link: number | string }
/** Logical segments; decoded from 8-, 16- or 32-bit forms, encoded in the most compact form. */
export interface ClassSegment { readonly _tag: "Class"; readonly id: number }
export interface InstanceSegment { readonly _tag: "Instance"; readonly id: number }
export interface AttributeSegment { readonly _tag: "Attribute"; readonly id: number }
export interface MemberSegment { readonly _tag: "Member"; readonly id: number }
export interface ConnectionPointSegment { readonly _tag: "ConnectionPoint"; readonly id: number }
/** Element (array index) segment: logical type 0x28/0x29/0x2A. */
export interface ElementSegment { readonly _tag: "Element"; readonly index: number }
/** ANSI extended symbolic segment 0x91 (odd lengths padded). */
export interface SymbolicSegment { readonly _tag: "Symbolic"; readonly name: string }
/** Electronic key segment 0x34 (format 4), as sent in Forward Open connection paths. */
export interface KeySegment {
  readonly _tag: "Key"
  readonly vendor: number
  readonly deviceType: number
  readonly productCode: number
  readonly major: number // low 7 bits; compatibility bit separately
  readonly compatibility: boolean
  readonly minor: number
}
/** Simple data segment 0x80 (word count + words), e.g. in Forward Open configuration paths. */
export interface DataSegment { readonly _tag: "Data"; readonly data: Uint8Array }

export type Segment =
  | PortSegment | ClassSegment | InstanceSegment | AttributeSegment | MemberSegment
  | ConnectionPointSegment | ElementSegment | SymbolicSegment | KeySegment | DataSegment

export type EPath = ReadonlyArray<Segment>

// ---------------------------------------------------------------------------------------------
// Service codes

export const Service = {
  GetAttributesAll: 0x01,
  SetAttributesAll: 0x02,
  GetAttributeList: 0x03,
  SetAttributeList: 0x04,
  Reset: 0x05,
  MultipleServicePacket: 0x0a,
  GetAttributeSingle: 0x0e,
  SetAttributeSingle: 0x10,
  ReadTag: 0x4c, // on class 0x6C: Read Template
  WriteTag: 0x4d,
  ReadModifyWriteTag: 0x4e, // on class 0x06: Forward Close
  ReadTagFragmented: 0x52, // on class 0x06: Unconnected Send
  WriteTagFragmented: 0x53,
  ForwardOpen: 0x54,
  GetInstanceAttributeList: 0x55,
  LargeForwardOpen: 0x5b,
  ForwardClose: 0x4e,
  UnconnectedSend: 0x52,
  ReadTemplate: 0x4c
} as const

/** The reply service code for a request service code. */
export const replyService = (service: number): number => service | 0x80

export const ClassId = {
  Identity: 0x01,
  MessageRouter: 0x02,
  ConnectionManager: 0x06,
  Symbol: 0x6b,
  Template: 0x6c,
  TcpIp: 0xf5,
  EthernetLink: 0xf6
} as const

// ---------------------------------------------------------------------------------------------
// Requests (Message Router request: service, path, request data)

interface Req<T extends string> { readonly _tag: T; readonly path: EPath }

export interface ReadTagRequest extends Req<"ReadTag"> { readonly elements: number }
export interface ReadTagFragmentedRequest extends Req<"ReadTagFragmented"> {
  readonly elements: number
  readonly offset: number // byte offset
}
export interface WriteTagRequest extends Req<"WriteTag"> {
  readonly type: TypeSpec
  readonly elements: number
  readonly data: Uint8Array
}
export interface WriteTagFragmentedRequest extends Req<"WriteTagFragmented"> {
  readonly type: TypeSpec
  readonly elements: number
  readonly offset: number
  readonly data: Uint8Array
}
/** Read-Modify-Write Tag: mask size 1, 2, 4, 8 (or 12) bytes; value = (value | or) & and. */
export interface ReadModifyWriteTagRequest extends Req<"ReadModifyWriteTag"> {
  readonly orMask: Uint8Array
  readonly andMask: Uint8Array
}
export interface MultipleServicePacketRequest extends Req<"MultipleServicePacket"> {
  readonly requests: ReadonlyArray<CipRequest>
}
export interface GetAttributesAllRequest extends Req<"GetAttributesAll"> {}
export interface GetAttributeSingleRequest extends Req<"GetAttributeSingle"> {}
export interface GetAttributeListRequest extends Req<"GetAttributeList"> { readonly attributes: ReadonlyArray<number> }
export interface SetAttributeSingleRequest extends Req<"SetAttributeSingle"> { readonly data: Uint8Array }
/** Get Instance Attribute List (0x55) on the Symbol object: instances from path's instance id on. */
export interface GetInstanceAttributeListRequest extends Req<"GetInstanceAttributeList"> {
  readonly attributes: ReadonlyArray<number>
}
/** Read Template (0x4C on class 0x6C): `bytes` of the template definition from byte `offset`. */
export interface ReadTemplateRequest extends Req<"ReadTemplate"> { readonly offset: number; readonly bytes: number }

/** Network connection parameters, decoded (16-bit NCP for Forward Open, 32-bit for Large). */
export interface ConnectionParams {
  readonly size: number // connection size in bytes (9 bits / 16 bits for large)
  readonly variable: boolean
  readonly priority: number // 0 low, 1 high, 2 scheduled, 3 urgent
  readonly type: number // 0 null, 1 multicast, 2 point-to-point
  readonly redundantOwner: boolean
}

export interface ForwardOpenRequest extends Req<"ForwardOpen"> {
  readonly large: boolean // service 0x5B
  readonly priorityTimeTick: number
  readonly timeoutTicks: number
  readonly otConnectionId: number
  readonly toConnectionId: number
  readonly connectionSerial: number
  readonly originatorVendor: number
  readonly originatorSerial: number
  readonly timeoutMultiplier: number
  readonly otRpi: number // microseconds
  readonly otParams: ConnectionParams
  readonly toRpi: number
  readonly toParams: ConnectionParams
  readonly transportClassTrigger: number
  readonly connectionPath: EPath
}
export interface ForwardCloseRequest extends Req<"ForwardClose"> {
  readonly priorityTimeTick: number
  readonly timeoutTicks: number
  readonly connectionSerial: number
  readonly originatorVendor: number
  readonly originatorSerial: number
  readonly connectionPath: EPath
}
/** Unconnected Send (0x52 on the Connection Manager): an embedded request routed by route path. */
export interface UnconnectedSendRequest extends Req<"UnconnectedSend"> {
  readonly priorityTimeTick: number
  readonly timeoutTicks: number
  readonly request: CipRequest
  readonly routePath: EPath
}
/** Any other service: its code and raw request data. */
export interface GenericRequest extends Req<"Generic"> { readonly service: number; readonly data: Uint8Array }

export type CipRequest =
  | ReadTagRequest | ReadTagFragmentedRequest | WriteTagRequest | WriteTagFragmentedRequest
  | ReadModifyWriteTagRequest | MultipleServicePacketRequest | GetAttributesAllRequest
  | GetAttributeSingleRequest | GetAttributeListRequest | SetAttributeSingleRequest
  | GetInstanceAttributeListRequest | ReadTemplateRequest | ForwardOpenRequest | ForwardCloseRequest
  | UnconnectedSendRequest | GenericRequest

// ---------------------------------------------------------------------------------------------
// Replies (Message Router reply: service|0x80, reserved, general status, extended status, data)

interface Rep<T extends string> {
  readonly _tag: T
  readonly service: number // the reply service code (request | 0x80)
  readonly status: number
  readonly extStatus: ReadonlyArray<number> // UINT words
}

/** A reply with a non-success status that carries no data (most failures). */
export interface ErrorReply extends Rep<"Error"> { readonly data: Uint8Array }
/** Read Tag / Read Tag Fragmented reply (status 0 or 0x06 partial): type and raw element bytes. */
export interface ReadTagReply extends Rep<"ReadTag"> { readonly type: TypeSpec; readonly data: Uint8Array }
export interface ReadTagFragmentedReply extends Rep<"ReadTagFragmented"> { readonly type: TypeSpec; readonly data: Uint8Array }
export interface WriteTagReply extends Rep<"WriteTag"> {}
export interface WriteTagFragmentedReply extends Rep<"WriteTagFragmented"> {}
export interface ReadModifyWriteTagReply extends Rep<"ReadModifyWriteTag"> {}
/** Multiple Service Packet reply (status 0, or 0x1E when any embedded reply failed). */
export interface MultipleServicePacketReply extends Rep<"MultipleServicePacket"> {
  readonly replies: ReadonlyArray<CipReply>
}
export interface GetAttributesAllReply extends Rep<"GetAttributesAll"> { readonly data: Uint8Array }
export interface GetAttributeSingleReply extends Rep<"GetAttributeSingle"> { readonly data: Uint8Array }
/** Per-attribute results; `data` is undefined for an attribute whose status is not 0. */
export interface GetAttributeListReply extends Rep<"GetAttributeList"> {
  readonly attributes: ReadonlyArray<{ readonly id: number; readonly status: number; readonly data?: Uint8Array }>
}
export interface SetAttributeSingleReply extends Rep<"SetAttributeSingle"> {}
/**
 * Get Instance Attribute List reply (status 0, or 0x06 when more instances follow). Each instance:
 * its id and the requested attributes' values, decoded for the Symbol object's attributes
 * 1 (name), 2 (symbol type UINT), 7 (byte count), 8 (dimensions UDINT[3]); others stay raw.
 */
export interface SymbolInstance {
  readonly instance: number
  readonly name?: string
  readonly symbolType?: number
  readonly byteCount?: number
  readonly dimensions?: readonly [number, number, number]
}
export interface GetInstanceAttributeListReply extends Rep<"GetInstanceAttributeList"> {
  readonly instances: ReadonlyArray<SymbolInstance>
  /**
   * The attributes' order on the wire (the request's), when it is not ascending; encoders write
   * the present fields in this order, else in the order 1, 2, 7, 8.
   */
  readonly order?: ReadonlyArray<number>
}
export interface ReadTemplateReply extends Rep<"ReadTemplate"> { readonly data: Uint8Array }
export interface ForwardOpenReply extends Rep<"ForwardOpen"> {
  readonly large: boolean
  readonly otConnectionId: number
  readonly toConnectionId: number
  readonly connectionSerial: number
  readonly originatorVendor: number
  readonly originatorSerial: number
  readonly otApi: number // actual packet interval, µs
  readonly toApi: number
  readonly applicationReply: Uint8Array
}
/** Forward Open / Forward Close failure: echoes the triple, plus the remaining path size (may be absent). */
export interface ForwardOpenFailedReply extends Rep<"ForwardOpenFailed"> {
  readonly large: boolean
  readonly connectionSerial: number
  readonly originatorVendor: number
  readonly originatorSerial: number
  readonly remainingPathSize?: number
}
export interface ForwardCloseReply extends Rep<"ForwardClose"> {
  readonly connectionSerial: number
  readonly originatorVendor: number
  readonly originatorSerial: number
  readonly applicationReply: Uint8Array
}
export interface GenericReply extends Rep<"Generic"> { readonly data: Uint8Array }

export type CipReply =
  | ErrorReply | ReadTagReply | ReadTagFragmentedReply | WriteTagReply | WriteTagFragmentedReply
  | ReadModifyWriteTagReply | MultipleServicePacketReply | GetAttributesAllReply | GetAttributeSingleReply
  | GetAttributeListReply | SetAttributeSingleReply | GetInstanceAttributeListReply | ReadTemplateReply
  | ForwardOpenReply | ForwardOpenFailedReply | ForwardCloseReply | GenericReply
