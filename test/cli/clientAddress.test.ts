/**
 * `cpppo enip client -a` and `-b`, resolved in-process: where TCP requests and UDP List* requests
 * go. No datagram is sent here (a broadcast to 255.255.255.255 would leave loopback).
 */
import { describe, expect, it } from "@effect/vitest"
import { Either, Option } from "effect"
import { clientAddress, udpHostOf } from "../../src/cli/enipClient.js"

describe("enip client -a and -b", () => {
  it("-b without -a asks 255.255.255.255; with -a, that address; without -b, the TCP host", () => {
    expect(udpHostOf(Option.none(), true)).toBe("255.255.255.255")
    expect(udpHostOf(Option.some("10.1.255.255"), true)).toBeUndefined()
    expect(udpHostOf(Option.none(), false)).toBeUndefined()
  })

  it("-a: localhost:44818 without it; the port defaults to 44818, the host to localhost; IPv6 in brackets", () => {
    expect(clientAddress(Option.none())).toEqual(Either.right({ host: "localhost", port: 44818 }))
    expect(clientAddress(Option.some("10.1.2.3"))).toEqual(Either.right({ host: "10.1.2.3", port: 44818 }))
    expect(clientAddress(Option.some(":2222"))).toEqual(Either.right({ host: "localhost", port: 2222 }))
    expect(clientAddress(Option.some("[::1]:2222"))).toEqual(Either.right({ host: "::1", port: 2222 }))
  })
})
