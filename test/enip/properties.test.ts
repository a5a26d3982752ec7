import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { runs } from "../propertyRuns.js"
import { decodeCpf, encodeCpf } from "../../src/enip/cpf.js"
import { decodeFrame, encodeFrame } from "../../src/enip/frame.js"
import type { CpfItem, EnipBody } from "../../src/enip/model.js"

const u16 = fc.integer({ min: 0, max: 0xffff })
const u32 = fc.integer({ min: 0, max: 0xffffffff })
const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join("."))
const sockaddr = fc.record({ family: u16, port: u16, address: ip })
const text = (max: number) => fc.stringMatching(new RegExp(`^[ -~]{0,${max}}$`))

export const cpfItem: fc.Arbitrary<CpfItem> = fc.oneof(
  fc.constant({ _tag: "NullAddress" as const }),
  fc.record({ _tag: fc.constant("ConnectedAddress" as const), connectionId: u32 }),
  fc.record({ _tag: fc.constant("SequencedAddress" as const), connectionId: u32, sequence: u32 }),
  fc.record({ _tag: fc.constant("ConnectedData" as const), sequence: u16, data: fc.uint8Array({ maxLength: 20 }) }),
  fc.record({ _tag: fc.constant("UnconnectedData" as const), data: fc.uint8Array({ maxLength: 20 }) }),
  fc.record({
    _tag: fc.constant("ListIdentity" as const),
    identity: fc.record({
      protocolVersion: u16, sockaddr, vendorId: u16, deviceType: u16, productCode: u16,
      revision: fc.tuple(fc.nat(255), fc.nat(255)), status: u16, serialNumber: u32, productName: text(32), state: fc.nat(255),
      extra: fc.uint8Array({ minLength: 1, maxLength: 4 })
    }, { requiredKeys: ["protocolVersion", "sockaddr", "vendorId", "deviceType", "productCode", "revision", "status", "serialNumber", "productName", "state"] })
  }),
  fc.record({ _tag: fc.constant("ListServices" as const), version: u16, capability: u16, name: fc.stringMatching(/^[ -~]{1,15}$/) }),
  fc.record({ _tag: fc.constant("Sockaddr" as const), typeId: fc.constantFrom(0x8000 as const, 0x8001 as const), sockaddr }),
  fc.record({
    _tag: fc.constant("Unknown" as const), typeId: u16.filter((t) => ![0, 0x0c, 0xa1, 0xb1, 0xb2, 0x100, 0x8000, 0x8001, 0x8002].includes(t)),
    data: fc.uint8Array({ maxLength: 20 })
  })
)
const items = fc.array(cpfItem, { maxLength: 4 })

const body: fc.Arbitrary<EnipBody> = fc.oneof(
  fc.record({ _tag: fc.constant("Nop" as const), data: fc.uint8Array({ maxLength: 10 }) }),
  ...(["ListServices", "ListIdentity", "ListInterfaces"] as const).map((t) => fc.oneof(
    fc.record({ _tag: fc.constant(t), items: fc.array(cpfItem, { minLength: 1, maxLength: 3 }) }),
    fc.record({ _tag: fc.constant(t), items: fc.constant([]) }),
    fc.record({ _tag: fc.constant(t), items: fc.constant([]), emptyCpf: fc.constant(true) })
  )),
  fc.record({ _tag: fc.constant("RegisterSession" as const), protocolVersion: u16, options: u16 }),
  fc.constant({ _tag: "UnregisterSession" as const }),
  fc.record({ _tag: fc.constantFrom("SendRRData" as const, "SendUnitData" as const), interfaceHandle: u32, timeout: u16, items }),
  fc.record({
    _tag: fc.constant("Unsupported" as const), command: u16.filter((c) => ![0, 4, 0x63, 0x64, 0x65, 0x66, 0x6f, 0x70].includes(c)),
    data: fc.uint8Array({ maxLength: 10 })
  })
)

const COMMANDS = {
  Nop: 0x00, ListServices: 0x04, ListIdentity: 0x63, ListInterfaces: 0x64,
  RegisterSession: 0x65, UnregisterSession: 0x66, SendRRData: 0x6f, SendUnitData: 0x70
} as const

describe("encapsulation properties", () => {
  it("decodeCpf(encodeCpf(items)) == items", () => {
    fc.assert(fc.property(items, (xs) => {
      expect(Either.getOrThrow(decodeCpf(encodeCpf(xs)))).toEqual(xs)
    }), runs(1000))
  })
  it("decodeFrame(encodeFrame(f)) == f for every command", () => {
    fc.assert(fc.property(body, u32, u32, fc.uint8Array({ minLength: 8, maxLength: 8 }), (b, sessionHandle, options, senderContext) => {
      const header = { sessionHandle, status: 0, senderContext, options }
      const bytes = encodeFrame({ header, body: b })
      const f = Either.getOrThrow(decodeFrame(bytes))
      expect(f.body).toEqual(b)
      // The command code on the wire comes from the body (Vol 2 Table 2-3.2), written here by hand.
      const command = b._tag === "Unsupported" ? b.command : COMMANDS[b._tag]
      expect(Buffer.from(bytes).readUInt16LE(0)).toBe(command)
      expect(f.header).toEqual({ ...header, command, length: bytes.length - 24 })
    }), runs(1000))
  })
})
