/** fast-check generators of requests and (request, reply) pairs that the codec must round-trip. */
import fc from "fast-check"
import type { CipReply, CipRequest, ConnectionParams, EPath, Segment } from "../../src/cip/model.js"
import { CipType, type TypeSpec } from "../../src/cip/types.js"

const u8 = fc.integer({ min: 0, max: 0xff })
const u16 = fc.integer({ min: 0, max: 0xffff })
const u32 = fc.integer({ min: 0, max: 0xffffffff })
const bytes = (max = 16) => fc.uint8Array({ maxLength: max })
const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/)

/** A symbolic tag path (`A.B[1,2]`). */
export const tagPath: fc.Arbitrary<EPath> = fc.tuple(
  fc.array(name, { minLength: 1, maxLength: 3 }), fc.array(fc.oneof(u8, u16, u32), { maxLength: 3 })
).map(([names, idx]) => [
  ...names.map((n): Segment => ({ _tag: "Symbolic", name: n })),
  ...idx.map((i): Segment => ({ _tag: "Element", index: i }))
])
/** A logical path @class/instance[/attribute] whose class is not 6 (Connection Manager) nor 0x6C (Template). */
export const logicalPath: fc.Arbitrary<EPath> = fc.tuple(
  fc.oneof(u8, u16).filter((c) => c !== 6 && c !== 0x6c), fc.oneof(u8, u16, u32), fc.option(fc.oneof(u8, u16), { nil: undefined })
).map(([c, i, a]) => [
  { _tag: "Class", id: c }, { _tag: "Instance", id: i }, ...(a === undefined ? [] : [{ _tag: "Attribute", id: a } as Segment])
])
const anyPath = fc.oneof(tagPath, logicalPath)
const cmPath: EPath = [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }]
const routePath: fc.Arbitrary<EPath> = fc.array(
  fc.record({ _tag: fc.constant("Port" as const), port: fc.integer({ min: 1, max: 20 }), link: fc.oneof(u8, fc.constant("10.0.0.1")) }),
  { maxLength: 3 }
)

export const typeSpec: fc.Arbitrary<TypeSpec> = fc.oneof(
  fc.constantFrom(...[CipType.BOOL, CipType.SINT, CipType.INT, CipType.DINT, CipType.LINT, CipType.USINT, CipType.UINT,
    CipType.UDINT, CipType.ULINT, CipType.REAL, CipType.LREAL, CipType.SSTRING, CipType.STRING, CipType.DWORD].map((code) => ({ code }))),
  u16.map((handle) => ({ code: CipType.STRUCT, handle }))
)

const ncp = (large: boolean): fc.Arbitrary<ConnectionParams> => fc.record({
  size: fc.integer({ min: 0, max: large ? 0xffff : 0x1ff }), variable: fc.boolean(),
  priority: fc.integer({ min: 0, max: 3 }), type: fc.integer({ min: 0, max: 3 }), redundantOwner: fc.boolean()
})

const KNOWN = new Set([0x01, 0x03, 0x0a, 0x0e, 0x10, 0x4c, 0x4d, 0x4e, 0x52, 0x53, 0x54, 0x55, 0x5b])

/** Requests of every service (MSP and Unconnected Send embed simple ones). */
export const simpleRequest: fc.Arbitrary<CipRequest> = fc.oneof(
  fc.record({ _tag: fc.constant("ReadTag" as const), path: tagPath, elements: u16 }),
  fc.record({ _tag: fc.constant("ReadTagFragmented" as const), path: tagPath, elements: u16, offset: u32 }),
  fc.record({ _tag: fc.constant("WriteTag" as const), path: tagPath, type: typeSpec, elements: u16, data: bytes() }),
  fc.record({ _tag: fc.constant("WriteTagFragmented" as const), path: tagPath, type: typeSpec, elements: u16, offset: u32, data: bytes() }),
  fc.constantFrom(1, 2, 4, 8, 12).chain((n) => fc.record({
    _tag: fc.constant("ReadModifyWriteTag" as const), path: tagPath,
    orMask: fc.uint8Array({ minLength: n, maxLength: n }), andMask: fc.uint8Array({ minLength: n, maxLength: n })
  })),
  fc.record({ _tag: fc.constant("GetAttributesAll" as const), path: logicalPath }),
  fc.record({ _tag: fc.constant("GetAttributeSingle" as const), path: logicalPath }),
  fc.record({ _tag: fc.constant("GetAttributeList" as const), path: logicalPath, attributes: fc.array(u16, { maxLength: 6 }) }),
  fc.record({ _tag: fc.constant("SetAttributeSingle" as const), path: logicalPath, data: bytes() }),
  fc.record({
    _tag: fc.constant("GetInstanceAttributeList" as const), path: logicalPath,
    attributes: fc.oneof(
      { weight: 3, arbitrary: fc.subarray([1, 2, 7, 8]) },
      { weight: 2, arbitrary: fc.shuffledSubarray([1, 2, 7, 8]) },
      { weight: 1, arbitrary: fc.array(u16, { maxLength: 6 }) }
    )
  }),
  fc.record({
    _tag: fc.constant("ReadTemplate" as const), path: u16.map((i): EPath => [{ _tag: "Class", id: 0x6c }, { _tag: "Instance", id: i }]),
    offset: u32, bytes: u16
  }),
  fc.boolean().chain((large) => fc.record({
    _tag: fc.constant("ForwardOpen" as const), path: fc.constant(cmPath), large: fc.constant(large),
    priorityTimeTick: u8, timeoutTicks: u8, otConnectionId: u32, toConnectionId: u32, connectionSerial: u16,
    originatorVendor: u16, originatorSerial: u32, timeoutMultiplier: u8, otRpi: u32, otParams: ncp(large),
    toRpi: u32, toParams: ncp(large), transportClassTrigger: u8,
    connectionPath: fc.tuple(routePath, logicalPath).map(([r, l]) => [...r, ...l])
  })),
  fc.record({
    _tag: fc.constant("ForwardClose" as const), path: fc.constant(cmPath), priorityTimeTick: u8, timeoutTicks: u8,
    connectionSerial: u16, originatorVendor: u16, originatorSerial: u32, connectionPath: fc.tuple(routePath, logicalPath).map(([r, l]) => [...r, ...l])
  }),
  fc.record({
    _tag: fc.constant("Generic" as const), path: anyPath,
    service: fc.integer({ min: 0, max: 0x7f }).filter((s) => !KNOWN.has(s)), data: bytes()
  })
)

export const request: fc.Arbitrary<CipRequest> = fc.oneof(
  { weight: 4, arbitrary: simpleRequest },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("MultipleServicePacket" as const), path: logicalPath, requests: fc.array(simpleRequest, { maxLength: 5 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      _tag: fc.constant("UnconnectedSend" as const), path: fc.constant(cmPath), priorityTimeTick: u8, timeoutTicks: u8,
      request: simpleRequest, routePath
    })
  }
)

const ext = fc.array(u16, { maxLength: 2 })
const svc = (req: CipRequest): number => {
  switch (req._tag) {
    case "ForwardOpen": return req.large ? 0xdb : 0xd4
    case "Generic": return req.service | 0x80
    case "UnconnectedSend": return svc(req.request)
    default: return ({
      ReadTag: 0x4c, ReadTagFragmented: 0x52, WriteTag: 0x4d, WriteTagFragmented: 0x53, ReadModifyWriteTag: 0x4e,
      MultipleServicePacket: 0x0a, GetAttributesAll: 0x01, GetAttributeSingle: 0x0e, GetAttributeList: 0x03,
      SetAttributeSingle: 0x10, GetInstanceAttributeList: 0x55, ReadTemplate: 0x4c, ForwardClose: 0x4e
    } as const)[req._tag] | 0x80
  }
}

/** A failure reply: status not 0 (nor 6 / 0x1E / 0x0A, which carry data for some services); no 8/10-byte data. */
const errorReply = (service: number): fc.Arbitrary<CipReply> => fc.record({
  _tag: fc.constant("Error" as const), service: fc.constant(service),
  status: fc.integer({ min: 1, max: 0xff }).filter((s) => s !== 6 && s !== 0x1e && s !== 0x0a), extStatus: ext, data: bytes(4)
})

const SYMBOL_ATTRS = [1, 2, 7, 8]

/** A reply of the right shape for `req` (success or failure). */
export const replyFor = (req: CipRequest): fc.Arbitrary<CipReply> => {
  const service = svc(req)
  const ok = { service: fc.constant(service), status: fc.constant(0), extStatus: fc.constant([] as Array<number>) }
  const inner = req._tag === "UnconnectedSend" ? req.request : req
  let success: fc.Arbitrary<CipReply>
  switch (inner._tag) {
    case "ReadTag": case "ReadTagFragmented":
      success = fc.record({ _tag: fc.constant(inner._tag), service: fc.constant(service), status: fc.constantFrom(0, 6), extStatus: fc.constant([]), type: typeSpec, data: bytes() })
      break
    case "ReadTemplate":
      success = fc.record({ _tag: fc.constant("ReadTemplate" as const), service: fc.constant(service), status: fc.constantFrom(0, 6), extStatus: fc.constant([]), data: bytes() })
      break
    case "WriteTag": case "WriteTagFragmented": case "ReadModifyWriteTag": case "SetAttributeSingle":
      success = fc.record({ _tag: fc.constant(inner._tag), ...ok })
      break
    case "GetAttributesAll": case "GetAttributeSingle":
      success = fc.record({ _tag: fc.constant(inner._tag), ...ok, data: bytes() })
      break
    case "GetAttributeList":
      // decoded with attributeSize: () => 2 (see the test)
      success = fc.record({
        _tag: fc.constant("GetAttributeList" as const), ...ok,
        attributes: fc.tuple(...inner.attributes.map((id) => fc.oneof(
          fc.record({ id: fc.constant(id), status: fc.constant(0), data: fc.uint8Array({ minLength: 2, maxLength: 2 }) }),
          fc.record({ id: fc.constant(id), status: fc.integer({ min: 1, max: 0xffff }) })
        )))
      })
      break
    case "GetInstanceAttributeList": {
      const attrs = inner.attributes
      const ascending = attrs.every((a, i) => i === 0 || a > attrs[i - 1]!)
      if (!attrs.every((a) => SYMBOL_ATTRS.includes(a)) || new Set(attrs).size !== attrs.length) {
        success = fc.record({ _tag: fc.constant("Generic" as const), ...ok, data: bytes() })
        break
      }
      success = fc.record({
        _tag: fc.constant("GetInstanceAttributeList" as const), service: fc.constant(service), status: fc.constantFrom(0, 6), extStatus: fc.constant([]),
        instances: fc.array(fc.record({
          instance: u32,
          ...(attrs.includes(1) ? { name } : {}),
          ...(attrs.includes(2) ? { symbolType: u16 } : {}),
          ...(attrs.includes(7) ? { byteCount: u16 } : {}),
          ...(attrs.includes(8) ? { dimensions: fc.tuple(u32, u32, u32) } : {})
        }), { maxLength: 4 }),
        ...(ascending ? {} : { order: fc.constant(attrs) })
      })
      break
    }
    case "MultipleServicePacket":
      success = fc.tuple(...inner.requests.map(replyFor)).chain((replies) => fc.record({
        _tag: fc.constant("MultipleServicePacket" as const), service: fc.constant(service),
        status: fc.constant(replies.some((r) => r.status !== 0) ? 0x1e : 0), extStatus: fc.constant([]), replies: fc.constant(replies)
      }))
      break
    case "ForwardOpen": {
      const large = inner.large
      success = fc.oneof(
        fc.record({
          _tag: fc.constant("ForwardOpen" as const), ...ok, large: fc.constant(large), otConnectionId: u32, toConnectionId: u32,
          connectionSerial: u16, originatorVendor: u16, originatorSerial: u32, otApi: u32, toApi: u32,
          applicationReply: bytes(8).map((b) => b.subarray(0, b.length & ~1))
        }),
        fc.record({
          _tag: fc.constant("ForwardOpenFailed" as const), service: fc.constant(service), status: fc.integer({ min: 1, max: 0xff }), extStatus: ext,
          large: fc.constant(large), connectionSerial: u16, originatorVendor: u16, originatorSerial: u32, remainingPathSize: u8
        }, { requiredKeys: ["_tag", "service", "status", "extStatus", "large", "connectionSerial", "originatorVendor", "originatorSerial"] })
      )
      break
    }
    case "ForwardClose":
      success = fc.record({
        _tag: fc.constant("ForwardClose" as const), ...ok, connectionSerial: u16, originatorVendor: u16, originatorSerial: u32,
        applicationReply: bytes(8).map((b) => b.subarray(0, b.length & ~1))
      })
      break
    default:
      success = fc.record({ _tag: fc.constant("Generic" as const), ...ok, data: bytes() })
  }
  return fc.oneof(success, errorReply(service))
}

export const exchange: fc.Arbitrary<[CipRequest, CipReply]> = request.chain((req) => replyFor(req).map((rep) => [req, rep] as [CipRequest, CipReply]))
