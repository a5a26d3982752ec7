/**
 * The README's note on List* bodies ("The EtherNet/IP + CIP codec", Notes): a ListIdentity,
 * ListServices or ListInterfaces body with no items encodes as no data (the request a client
 * sends); `emptyCpf: true` encodes a CPF of count 0 (a reply from a device with nothing to list),
 * and each decodes back to what was encoded.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { decodeFrame, encodeFrame } from "../../src/enip/frame.js"
import { bytesToHex } from "../cip/vectors.js"

const header = { sessionHandle: 0, status: 0, senderContext: new Uint8Array(8), options: 0 }
const COMMANDS = [["ListServices", "0400"], ["ListIdentity", "6300"], ["ListInterfaces", "6400"]] as const

describe("List* bodies without items", () => {
  it.each(COMMANDS)("%s: no items is no data (length 0); emptyCpf: true is a CPF of count 0 (length 2)", (_tag, command) => {
    const request = encodeFrame({ header, body: { _tag, items: [] } })
    expect(bytesToHex(request)).toBe(command + "0000" + "00".repeat(20))
    expect(Either.getOrThrow(decodeFrame(request)).body).toEqual({ _tag, items: [] })

    const empty = encodeFrame({ header, body: { _tag, items: [], emptyCpf: true } })
    expect(bytesToHex(empty)).toBe(command + "0200" + "00".repeat(20) + "0000")
    expect(Either.getOrThrow(decodeFrame(empty)).body).toEqual({ _tag, items: [], emptyCpf: true })
  })

  it("items present: the CPF count and the items, whatever emptyCpf says", () => {
    const one = encodeFrame({ header, body: { _tag: "ListServices", items: [{ _tag: "NullAddress" }] } })
    expect(bytesToHex(one)).toBe("0400" + "0600" + "00".repeat(20) + "0100" + "00000000")
  })
})
