/** The client's in-flight table: keys, deadlines, completions exactly once, closing. */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { ClientError } from "../../src/client/errors.js"
import { RequestTable } from "../../src/client/requestTable.js"

type Seen = Array<Either.Either<number, ClientError>>
const record = (seen: Seen) => (r: Either.Either<number, ClientError>) => { seen.push(r) }
const reasons = (seen: Seen) => seen.map((r) => (Either.isLeft(r) ? `${r.left.reason}: ${r.left.message}` : r.right))

describe("RequestTable", () => {
  it("keys cycle 1..keySpace-1, never 0, skipping pending ones; a full table gives 0", () => {
    const t = new RequestTable<number>(4)
    expect([t.allocate(), t.allocate(), t.allocate(), t.allocate(), t.allocate()]).toEqual([1, 2, 3, 1, 2])
    const seen: Seen = []
    for (const k of [3, 1, 2]) t.add(k, 10, record(seen))
    expect(t.size).toBe(3)
    expect(t.allocate()).toBe(0) // every key pending
    t.complete(1, Either.right(5))
    expect(t.allocate()).toBe(1)
    expect(t.allocate()).toBe(1) // still not pending: allocate only hands it out
    expect(reasons(seen)).toEqual([5])
  })

  it("a reply completes its request once; an unknown or repeated key is refused", () => {
    const t = new RequestTable<number>(2 ** 16)
    const seen: Seen = []
    expect(t.add(7, 100, record(seen))).toBe(true)
    expect(t.complete(8, Either.right(1))).toBe(false)
    expect(t.size).toBe(1)
    expect(t.complete(7, Either.right(2))).toBe(true)
    expect(t.complete(7, Either.right(3))).toBe(false)
    expect(t.size).toBe(0)
    expect(reasons(seen)).toEqual([2])
  })

  it("expire fails exactly the requests due at or before now, with how late they are", () => {
    const t = new RequestTable<number>(2 ** 16)
    const seen: Seen = []
    t.add(1, 100, record(seen))
    t.add(2, 150, record(seen))
    t.add(3, 90, record(seen))
    expect(t.nextDeadline()).toBe(90)
    expect(t.expire(89)).toBe(0)
    expect(seen).toEqual([])
    expect(t.expire(100, (late) => `late by ${late} ms`)).toBe(2)
    expect(reasons(seen)).toEqual(["Timeout: late by 0 ms", "Timeout: late by 10 ms"])
    expect(t.size).toBe(1)
    expect(t.nextDeadline()).toBe(150)
    t.add(4, 120, record(seen))
    t.add(5, 130, record(seen))
    expect(t.nextDeadline()).toBe(120) // the earliest, not the last added
    expect(t.expire(120)).toBe(1)
    t.complete(5, Either.right(0))
    expect(t.expire(200)).toBe(1)
    expect(reasons(seen).slice(2)).toEqual(["Timeout: no reply in time", 0, "Timeout: no reply in time"])
    expect(t.nextDeadline()).toBeUndefined()
    expect(t.complete(2, Either.right(1))).toBe(false) // a late reply after its timeout
  })

  it("close fails everything pending and every later add, with the first error only", () => {
    const t = new RequestTable<number>(2 ** 16)
    const seen: Seen = []
    t.add(1, 100, record(seen))
    t.add(2, 100, record(seen))
    expect(t.closed).toBeUndefined()
    const lost = new ClientError({ reason: "Closed", message: "connection lost" })
    t.close(lost)
    expect(t.closed).toBe(lost)
    expect(t.size).toBe(0)
    expect(reasons(seen)).toEqual(["Closed: connection lost", "Closed: connection lost"])
    t.close(new ClientError({ reason: "Protocol", message: "second" }))
    expect(t.closed).toBe(lost)
    expect(seen).toHaveLength(2)
    expect(t.add(3, 100, record(seen))).toBe(false)
    expect(t.size).toBe(0)
    expect(reasons(seen)).toEqual(["Closed: connection lost", "Closed: connection lost", "Closed: connection lost"])
  })
})
