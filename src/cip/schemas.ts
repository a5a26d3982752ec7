/**
 * effect Schemas of every decoded shape (EPATH segments, requests, replies, encapsulation frames),
 * for JSON, tests and docs. Byte fields are hex strings in the encoded (JSON) form. Not used on the
 * codec's hot path (see ../../shared/effect-notes.md §4: Schema over binary is 5-10× slower).
 */
import { Schema } from "effect"
import type { EnipFrame } from "../enip/model.js"
import type { CipReply, CipRequest, EPath, Segment } from "./model.js"
import type { TypeSpec } from "./types.js"

/** The JSON form of a decoded shape: bytes become hex strings. */
export type Json<T> = T extends Uint8Array ? string : T extends object ? { readonly [K in keyof T]: Json<T[K]> } : T

const Bytes = Schema.Uint8ArrayFromHex
const Int = Schema.Number.pipe(Schema.int(), Schema.nonNegative())
const tagged = <T extends string>(tag: T) => Schema.Literal(tag)
const opt = <A, I>(s: Schema.Schema<A, I>) => Schema.optionalWith(s, { exact: true })

export const SegmentSchema: Schema.Schema<Segment, Json<Segment>> = Schema.Union(
  Schema.Struct({ _tag: tagged("Port"), port: Int, link: Schema.Union(Int, Schema.String) }),
  Schema.Struct({ _tag: tagged("Class"), id: Int }),
  Schema.Struct({ _tag: tagged("Instance"), id: Int }),
  Schema.Struct({ _tag: tagged("Attribute"), id: Int }),
  Schema.Struct({ _tag: tagged("Member"), id: Int }),
  Schema.Struct({ _tag: tagged("ConnectionPoint"), id: Int }),
  Schema.Struct({ _tag: tagged("Element"), index: Int }),
  Schema.Struct({ _tag: tagged("Symbolic"), name: Schema.String }),
  Schema.Struct({
    _tag: tagged("Key"), vendor: Int, deviceType: Int, productCode: Int, major: Int, compatibility: Schema.Boolean, minor: Int
  }),
  Schema.Struct({ _tag: tagged("Data"), data: Bytes })
)

export const EPathSchema: Schema.Schema<EPath, Json<EPath>> = Schema.Array(SegmentSchema)

export const TypeSpecSchema: Schema.Schema<TypeSpec, Json<TypeSpec>> = Schema.Struct({ code: Int, handle: opt(Int) })

const ConnectionParamsSchema = Schema.Struct({
  size: Int, variable: Schema.Boolean, priority: Int, type: Int, redundantOwner: Schema.Boolean
})

const req = <T extends string, F extends Schema.Struct.Fields>(tag: T, fields: F) =>
  Schema.Struct({ _tag: tagged(tag), path: EPathSchema, ...fields })

export const CipRequestSchema: Schema.Schema<CipRequest, Json<CipRequest>> = Schema.Union(
  req("ReadTag", { elements: Int }),
  req("ReadTagFragmented", { elements: Int, offset: Int }),
  req("WriteTag", { type: TypeSpecSchema, elements: Int, data: Bytes }),
  req("WriteTagFragmented", { type: TypeSpecSchema, elements: Int, offset: Int, data: Bytes }),
  req("ReadModifyWriteTag", { orMask: Bytes, andMask: Bytes }),
  req("MultipleServicePacket", { requests: Schema.Array(Schema.suspend((): Schema.Schema<CipRequest, Json<CipRequest>> => CipRequestSchema)) }),
  req("GetAttributesAll", {}),
  req("GetAttributeSingle", {}),
  req("GetAttributeList", { attributes: Schema.Array(Int) }),
  req("SetAttributeSingle", { data: Bytes }),
  req("GetInstanceAttributeList", { attributes: Schema.Array(Int) }),
  req("ReadTemplate", { offset: Int, bytes: Int }),
  req("ForwardOpen", {
    large: Schema.Boolean, priorityTimeTick: Int, timeoutTicks: Int, otConnectionId: Int, toConnectionId: Int,
    connectionSerial: Int, originatorVendor: Int, originatorSerial: Int, timeoutMultiplier: Int,
    otRpi: Int, otParams: ConnectionParamsSchema, toRpi: Int, toParams: ConnectionParamsSchema,
    transportClassTrigger: Int, connectionPath: EPathSchema
  }),
  req("ForwardClose", {
    priorityTimeTick: Int, timeoutTicks: Int, connectionSerial: Int, originatorVendor: Int, originatorSerial: Int, connectionPath: EPathSchema
  }),
  req("UnconnectedSend", {
    priorityTimeTick: Int, timeoutTicks: Int,
    request: Schema.suspend((): Schema.Schema<CipRequest, Json<CipRequest>> => CipRequestSchema), routePath: EPathSchema
  }),
  req("Generic", { service: Int, data: Bytes })
)

const rep = <T extends string, F extends Schema.Struct.Fields>(tag: T, fields: F) =>
  Schema.Struct({ _tag: tagged(tag), service: Int, status: Int, extStatus: Schema.Array(Int), ...fields })

export const CipReplySchema: Schema.Schema<CipReply, Json<CipReply>> = Schema.Union(
  rep("Error", { data: Bytes }),
  rep("ReadTag", { type: TypeSpecSchema, data: Bytes }),
  rep("ReadTagFragmented", { type: TypeSpecSchema, data: Bytes }),
  rep("WriteTag", {}),
  rep("WriteTagFragmented", {}),
  rep("ReadModifyWriteTag", {}),
  rep("MultipleServicePacket", { replies: Schema.Array(Schema.suspend((): Schema.Schema<CipReply, Json<CipReply>> => CipReplySchema)) }),
  rep("GetAttributesAll", { data: Bytes }),
  rep("GetAttributeSingle", { data: Bytes }),
  rep("GetAttributeList", { attributes: Schema.Array(Schema.Struct({ id: Int, status: Int, data: opt(Bytes) })) }),
  rep("SetAttributeSingle", {}),
  rep("GetInstanceAttributeList", {
    instances: Schema.Array(Schema.Struct({
      instance: Int, name: opt(Schema.String), symbolType: opt(Int), byteCount: opt(Int), dimensions: opt(Schema.Tuple(Int, Int, Int))
    })),
    order: opt(Schema.Array(Int))
  }),
  rep("ReadTemplate", { data: Bytes }),
  rep("ForwardOpen", {
    large: Schema.Boolean, otConnectionId: Int, toConnectionId: Int, connectionSerial: Int, originatorVendor: Int,
    originatorSerial: Int, otApi: Int, toApi: Int, applicationReply: Bytes
  }),
  rep("ForwardOpenFailed", {
    large: Schema.Boolean, connectionSerial: Int, originatorVendor: Int, originatorSerial: Int, remainingPathSize: opt(Int)
  }),
  rep("ForwardClose", { connectionSerial: Int, originatorVendor: Int, originatorSerial: Int, applicationReply: Bytes }),
  rep("Generic", { data: Bytes })
)

// ------------------------------------------------------------------------------------------------
// Encapsulation

const SockaddrSchema = Schema.Struct({ family: Int, port: Int, address: Schema.String })

export const CpfItemSchema = Schema.Union(
  Schema.Struct({ _tag: tagged("NullAddress") }),
  Schema.Struct({ _tag: tagged("ConnectedAddress"), connectionId: Int }),
  Schema.Struct({ _tag: tagged("SequencedAddress"), connectionId: Int, sequence: Int }),
  Schema.Struct({ _tag: tagged("ConnectedData"), sequence: Int, data: Bytes }),
  Schema.Struct({ _tag: tagged("UnconnectedData"), data: Bytes }),
  Schema.Struct({
    _tag: tagged("ListIdentity"),
    identity: Schema.Struct({
      protocolVersion: Int, sockaddr: SockaddrSchema, vendorId: Int, deviceType: Int, productCode: Int,
      revision: Schema.Tuple(Int, Int), status: Int, serialNumber: Int, productName: Schema.String, state: Int, extra: opt(Bytes)
    })
  }),
  Schema.Struct({ _tag: tagged("ListServices"), version: Int, capability: Int, name: Schema.String, nameSize: opt(Int) }),
  Schema.Struct({ _tag: tagged("Sockaddr"), typeId: Schema.Literal(0x8000, 0x8001), sockaddr: SockaddrSchema }),
  Schema.Struct({ _tag: tagged("Unknown"), typeId: Int, data: Bytes })
)

const Items = Schema.Array(CpfItemSchema)

export const EnipBodySchema = Schema.Union(
  Schema.Struct({ _tag: tagged("Nop"), data: Bytes }),
  Schema.Struct({ _tag: tagged("ListServices"), items: Items, emptyCpf: opt(Schema.Boolean) }),
  Schema.Struct({ _tag: tagged("ListIdentity"), items: Items, emptyCpf: opt(Schema.Boolean) }),
  Schema.Struct({ _tag: tagged("ListInterfaces"), items: Items, emptyCpf: opt(Schema.Boolean) }),
  Schema.Struct({ _tag: tagged("RegisterSession"), protocolVersion: Int, options: Int }),
  Schema.Struct({ _tag: tagged("UnregisterSession") }),
  Schema.Struct({ _tag: tagged("SendRRData"), interfaceHandle: Int, timeout: Int, items: Items }),
  Schema.Struct({ _tag: tagged("SendUnitData"), interfaceHandle: Int, timeout: Int, items: Items }),
  Schema.Struct({ _tag: tagged("Unsupported"), command: Int, data: Bytes })
)

export const EncapHeaderSchema = Schema.Struct({
  command: Int, length: Int, sessionHandle: Int, status: Int, senderContext: Bytes, options: Int
})

export const EnipFrameSchema: Schema.Schema<EnipFrame, Json<EnipFrame>> = Schema.Struct({
  header: EncapHeaderSchema, body: EnipBodySchema
})

export const CodecErrorSchema = Schema.Struct({
  _tag: tagged("CodecError"),
  reason: Schema.Literal("Truncated", "BadLength", "BadSegment", "BadOffset", "BadValue", "TooLarge", "Unsupported"),
  offset: Int,
  message: Schema.String
})
