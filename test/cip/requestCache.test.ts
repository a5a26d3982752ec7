/**
 * Requests decoded again (decodeRequestKept) are the requests on the wire: the same as a fresh
 * decode whatever was decoded before, from buffers changed in place afterwards, and for requests
 * holding views of their bytes (never kept).
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { decodeRequest, encodeRequest } from "../../src/cip/request.js"
import { decodeRequestKept } from "../../src/cip/requestCache.js"
import { request } from "./arbitraries.js"

const same = (bytes: Uint8Array) => {
  const fresh = decodeRequest(bytes.slice())
  const kept = decodeRequestKept(bytes)
  expect(Either.isRight(kept)).toBe(Either.isRight(fresh))
  if (Either.isRight(kept) && Either.isRight(fresh)) expect(kept.right).toEqual(fresh.right)
}

describe("decoded requests kept for reuse", () => {
  it("a request decoded again is the request on the wire, whatever was decoded before and whatever changed in place", () => {
    fc.assert(fc.property(
      fc.array(request, { minLength: 1, maxLength: 10 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 100 }),
      (pool, picks) => {
        const encoded = pool.map((r) => encodeRequest(r))
        for (const [k, at, v] of picks) {
          const buffer = encoded[k % pool.length]!.slice()
          same(buffer)
          // The buffer is reused: one byte changed (a write's data, an index, a name) and decoded again.
          buffer[at % buffer.length] = v
          same(buffer)
          same(encoded[k % pool.length]!)
        }
      }
    ), { numRuns: 300 })
  })

  it("a Write Tag's data is the data of the buffer it was decoded from", () => {
    const write = encodeRequest({ _tag: "WriteTag", path: [{ _tag: "Symbolic", name: "X" }], type: { code: 0xc4 }, elements: 1, data: Uint8Array.of(1, 2, 3, 4) })
    const a = write.slice()
    const first = Either.getOrThrow(decodeRequestKept(a))
    const b = write.slice()
    b[b.length - 1] = 9
    const second = Either.getOrThrow(decodeRequestKept(b))
    a.fill(0) // the first buffer reused for other bytes
    if (second._tag !== "WriteTag" || first._tag !== "WriteTag") throw new Error("not a Write Tag")
    expect(Array.from(second.data)).toEqual([1, 2, 3, 9])
    expect(decodeRequestKept(write)).toEqual(decodeRequest(write))
  })
})
