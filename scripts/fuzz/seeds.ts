/**
 * Fuzzing seeds: valid CIP requests of every service (built with the codec's own encoders) and
 * valid EtherNet/IP frames (from the cpppo wire vectors in test/fixtures/ and wrapping those requests).
 * Mutations start from these so most mutants get past the outer layers and reach deep decoding.
 */
import { loadWireVectors } from "../../test/fixtures/fixtures.js"
import type { CipRequest, EPath, Segment } from "../../src/cip/model.js"
import { encodeRequest } from "../../src/cip/request.js"
import { CipType, LOGIX_STRING_HANDLE } from "../../src/cip/types.js"
import type { CpfItem } from "../../src/enip/model.js"
import { encodeFrame } from "../../src/enip/frame.js"

/** The tags every fuzz target (in-process controller, live simulator) is configured with. */
export const FUZZ_TAGS: ReadonlyArray<string> = [
  "SCADA=INT[100]", "TEXT=STRING", "REALS=REAL[10]", "Program:Main.X=DINT", "FLAG=BOOL", "BIG=DINT[2000]", "PLACED@0x22/1/1=SINT[4]"
]

const sym = (name: string): Segment => ({ _tag: "Symbolic", name })
const el = (index: number): Segment => ({ _tag: "Element", index })
const logical = (cls: number, ins: number, att?: number): EPath =>
  att === undefined
    ? [{ _tag: "Class", id: cls }, { _tag: "Instance", id: ins }]
    : [{ _tag: "Class", id: cls }, { _tag: "Instance", id: ins }, { _tag: "Attribute", id: att }]
const i16 = (...v: ReadonlyArray<number>): Uint8Array => {
  const b = Buffer.alloc(v.length * 2)
  v.forEach((x, i) => b.writeInt16LE(x, i * 2))
  return Uint8Array.from(b)
}
const params = (size: number) => ({ size, variable: true, priority: 0, type: 2, redundantOwner: false })

const forwardOpen = (large: boolean, serial: number): CipRequest => ({
  _tag: "ForwardOpen", path: logical(6, 1), large, priorityTimeTick: 7, timeoutTicks: 0xe8,
  otConnectionId: 0, toConnectionId: 0x20000 + serial, connectionSerial: serial, originatorVendor: 0x1234,
  originatorSerial: 0xabcd, timeoutMultiplier: 1, otRpi: 2_000_000, otParams: params(large ? 4000 : 500),
  toRpi: 2_000_000, toParams: params(large ? 4000 : 500), transportClassTrigger: 0xa3,
  connectionPath: [{ _tag: "Port", port: 1, link: 0 }, { _tag: "Class", id: 2 }, { _tag: "Instance", id: 1 }]
})

/** One valid request of every service the controller knows, plus odd-but-valid shapes. */
export const seedRequests = (): ReadonlyArray<CipRequest> => {
  const read: CipRequest = { _tag: "ReadTag", path: [sym("SCADA"), el(3)], elements: 4 }
  const write: CipRequest = { _tag: "WriteTag", path: [sym("SCADA"), el(0)], type: { code: CipType.INT }, elements: 3, data: i16(1, 2, 3) }
  const base: Array<CipRequest> = [
    read,
    write,
    { _tag: "ReadTag", path: [sym("SCADA")], elements: 0xffff },
    { _tag: "ReadTag", path: [sym("BIG"), el(70000)], elements: 1 },
    { _tag: "ReadTag", path: [sym("Program:Main"), sym("X")], elements: 1 },
    { _tag: "ReadTag", path: [sym("TEXT")], elements: 1 },
    { _tag: "ReadTagFragmented", path: [sym("BIG")], elements: 2000, offset: 400 },
    { _tag: "WriteTagFragmented", path: [sym("BIG")], type: { code: CipType.DINT }, elements: 2000, offset: 8, data: new Uint8Array(16) },
    { _tag: "WriteTag", path: [sym("TEXT")], type: { code: CipType.STRUCT, handle: LOGIX_STRING_HANDLE }, elements: 1, data: new Uint8Array(88) },
    { _tag: "WriteTag", path: [sym("REALS"), el(9)], type: { code: CipType.REAL }, elements: 1, data: new Uint8Array(4) },
    { _tag: "ReadModifyWriteTag", path: [sym("SCADA"), el(1)], orMask: Uint8Array.of(0x0f, 0), andMask: Uint8Array.of(0xff, 0xf0) },
    { _tag: "GetAttributesAll", path: logical(1, 1) },
    { _tag: "GetAttributeSingle", path: logical(1, 1, 7) },
    { _tag: "GetAttributeList", path: logical(0xf5, 1), attributes: [1, 2, 3, 5] },
    { _tag: "SetAttributeSingle", path: logical(0x22, 1, 1), data: Uint8Array.of(1, 2, 3, 4) },
    { _tag: "GetInstanceAttributeList", path: logical(0x6b, 0), attributes: [1, 2, 7, 8] },
    { _tag: "ReadTemplate", path: logical(0x6c, LOGIX_STRING_HANDLE & 0xfff), offset: 0, bytes: 200 },
    forwardOpen(false, 1),
    forwardOpen(true, 2),
    {
      _tag: "ForwardClose", path: logical(6, 1), priorityTimeTick: 7, timeoutTicks: 0xe8, connectionSerial: 1,
      originatorVendor: 0x1234, originatorSerial: 0xabcd, connectionPath: [{ _tag: "Port", port: 1, link: 0 }, { _tag: "Class", id: 2 }, { _tag: "Instance", id: 1 }]
    },
    { _tag: "Generic", path: logical(1, 1), service: 0x05, data: new Uint8Array(0) },
    { _tag: "Generic", path: logical(0x99, 1), service: 0x33, data: Uint8Array.of(1, 2, 3) }
  ]
  const msp: CipRequest = { _tag: "MultipleServicePacket", path: logical(2, 1), requests: [read, write, base[11]!, base[2]!] }
  const nested: CipRequest = { _tag: "MultipleServicePacket", path: logical(2, 1), requests: [msp, { _tag: "MultipleServicePacket", path: logical(2, 1), requests: [msp, read] }] }
  const routed = (request: CipRequest): CipRequest => ({
    _tag: "UnconnectedSend", path: logical(6, 1), priorityTimeTick: 7, timeoutTicks: 0xe8, request, routePath: [{ _tag: "Port", port: 1, link: 0 }]
  })
  return [...base, msp, nested, routed(read), routed(write), routed(msp), routed(routed(read))]
}

const ctx = (n: number): Uint8Array => Uint8Array.from(Buffer.from(n.toString(16).padStart(16, "0"), "hex"))

/** A SendRRData frame carrying `cip` in an unconnected data item. */
export const sendRR = (session: number, cip: Uint8Array, context = 0): Uint8Array =>
  encodeFrame({
    header: { sessionHandle: session, status: 0, senderContext: ctx(context), options: 0 },
    body: { _tag: "SendRRData", interfaceHandle: 0, timeout: 0, items: [{ _tag: "NullAddress" }, { _tag: "UnconnectedData", data: cip }] }
  })

/** A SendUnitData frame carrying `cip` on connection `id` with sequence `seq`. */
export const sendUnit = (session: number, id: number, seq: number, cip: Uint8Array): Uint8Array => {
  const items: ReadonlyArray<CpfItem> = [{ _tag: "ConnectedAddress", connectionId: id }, { _tag: "ConnectedData", sequence: seq, data: cip }]
  return encodeFrame({ header: { sessionHandle: session, status: 0, senderContext: ctx(0), options: 0 }, body: { _tag: "SendUnitData", interfaceHandle: 0, timeout: 0, items } })
}

/** RegisterSession request. */
export const registerFrame = (): Uint8Array =>
  encodeFrame({ header: { sessionHandle: 0, status: 0, senderContext: ctx(0), options: 0 }, body: { _tag: "RegisterSession", protocolVersion: 1, options: 0 } })

/** Request-side frames of the cpppo wire vectors (complete encapsulation frames). */
export const vectorFrames = (): ReadonlyArray<Uint8Array> => {
  const out: Array<Uint8Array> = []
  for (const v of loadWireVectors()) {
    const hex = v.layer === "enip_frame" ? v.hex : v.layer === "enip_exchange" ? v.request_hex : undefined
    if (hex !== undefined && hex.length >= 48) out.push(Uint8Array.from(Buffer.from(hex, "hex")))
  }
  return out
}

/** Raw CIP requests (Message Router layer) of the cpppo vectors' `cip_service` layer. */
export const vectorCip = (): ReadonlyArray<Uint8Array> => {
  return loadWireVectors().filter((v) => v.layer === "cip_service" && v.hex !== undefined).map((v) => Uint8Array.from(Buffer.from(v.hex!, "hex")))
}

/** Every seed, as CIP bytes and as frames (session handle `session` in the frames). */
export const seeds = (session = 1) => {
  const requests = seedRequests()
  const cip = [...requests.map(encodeRequest), ...vectorCip()]
  const frames = [
    ...vectorFrames(),
    ...cip.map((c, i) => sendRR(session, c, i)),
    ...cip.slice(0, 8).map((c, i) => sendUnit(session, 0x1000 + i, i, c)),
    registerFrame()
  ]
  return { requests, cip, frames }
}
