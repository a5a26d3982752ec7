import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import type { CipRequest } from "../../src/cip/model.js"
import { decodeReply } from "../../src/cip/reply.js"
import { decodeRequest, encodeRequest } from "../../src/cip/request.js"
import { hexToBytes } from "./vectors.js"

const tag = (hex: string) => Either.getOrThrow(decodeRequest(hexToBytes(hex)))._tag

describe("the same service code on different classes", () => {
  it("0x52: Unconnected Send on @6/1, Read Tag Fragmented on a tag", () => {
    expect(tag("52022006240105f70800" + "4c02910141000100" + "01000100")).toBe("UnconnectedSend")
    expect(tag("52029101410001000000" + "0000")).toBe("ReadTagFragmented")
  })
  it("0x4E: Forward Close on @6/1, Read-Modify-Write on a tag", () => {
    expect(tag("4e0220062401059d01013412010000000300010020022401")).toBe("ForwardClose")
    expect(tag("4e029101410001000fff")).toBe("ReadModifyWriteTag")
  })
  it("0x4C: Read Template on class 0x6C, Read Tag elsewhere", () => {
    expect(tag("4c03206c2500ce0f000000005800")).toBe("ReadTemplate")
    expect(tag("4c0291014100" + "0100")).toBe("ReadTag")
    expect(tag("4c0320" + "6b2500ce0f" + "0100")).toBe("ReadTag")
  })
})

describe("replies in the light of the request", () => {
  const cm = [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }] as const
  const us = (request: CipRequest): CipRequest => ({ _tag: "UnconnectedSend", path: cm, priorityTimeTick: 5, timeoutTicks: 157, request, routePath: [] })
  const rt: CipRequest = { _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "A" }], elements: 1 }
  const rf: CipRequest = { _tag: "ReadTagFragmented", path: [{ _tag: "Symbolic", name: "A" }], elements: 1, offset: 0 }

  it("a successful Unconnected Send is answered by the embedded reply", () => {
    expect(Either.getOrThrow(decodeReply(hexToBytes("cc000000c3000700"), us(rt)))).toMatchObject({ _tag: "ReadTag", type: { code: 0xc3 } })
  })
  it("0xD2 answering an embedded Read Tag is the Unconnected Send's own failure", () => {
    expect(Either.getOrThrow(decodeReply(hexToBytes("d20001010402" + "00"), us(rt)))).toMatchObject({ _tag: "Error", status: 1, extStatus: [0x0204] })
  })
  it("0xD2 answering an embedded Read Tag Fragmented is its (partial) reply", () => {
    expect(Either.getOrThrow(decodeReply(hexToBytes("d2000600c3000100"), us(rf)))).toMatchObject({ _tag: "ReadTagFragmented", status: 6 })
  })
  it("0xCE answers Forward Close on class 6; for a tag it is a Read-Modify-Write reply", () => {
    const fc = Either.getOrThrow(decodeRequest(hexToBytes("4e0220062401059d01013412010000000300010020022401")))
    expect(Either.getOrThrow(decodeReply(hexToBytes("ce00000001013412010000000000"), fc))._tag).toBe("ForwardClose")
    const rmw = Either.getOrThrow(decodeRequest(hexToBytes("4e029101410001000fff")))
    expect(Either.getOrThrow(decodeReply(hexToBytes("ce000000"), rmw))._tag).toBe("ReadModifyWriteTag")
  })
  it("a reply whose code does not answer the request stays raw", () => {
    expect(Either.getOrThrow(decodeReply(hexToBytes("cd000000"), rt))._tag).toBe("Generic")
  })
  it("Forward Open failure with and without the remaining path size", () => {
    const fo = Either.getOrThrow(decodeRequest(hexToBytes(
      "540220062401059d01010000ffffffff01013412010000000000000080841e00fe4380841e00fe43a303010020022401")))
    expect(encodeRequest(fo).length).toBe(48)
    expect(Either.getOrThrow(decodeReply(hexToBytes("d4000101" + "0001" + "0101341201000000" + "0300"), fo)))
      .toMatchObject({ _tag: "ForwardOpenFailed", status: 1, extStatus: [0x0100], connectionSerial: 0x0101, remainingPathSize: 3 })
    const nr = Either.getOrThrow(decodeReply(hexToBytes("d4000100" + "0101341201000000"), fo))
    expect(nr).toMatchObject({ _tag: "ForwardOpenFailed", originatorVendor: 0x1234 })
    expect("remainingPathSize" in nr).toBe(false)
  })
})
