/**
 * Sharding a fleet across processes (src/server/shard.ts): `INDEX/COUNT` and pod names, and the
 * blocks each shard takes. (test/deploy/kubernetes.test.ts checks the manifests' shards.)
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { parseShard, shardOf, shardRange } from "../../src/server/shard.js"
import { numRuns } from "../numRuns.js"

describe("shard arithmetic", () => {
  it("parses INDEX/COUNT and POD-NAME-ORDINAL/COUNT", () => {
    expect(parseShard("2/4")).toEqual(Either.right({ index: 2, count: 4 }))
    expect(parseShard("cpppo-fleet-3/4")).toEqual(Either.right({ index: 3, count: 4 }))
    expect(parseShard("web-10/12")).toEqual(Either.right({ index: 10, count: 12 }))
    expect(parseShard(" 0 / 1 ")).toEqual(Either.right({ index: 0, count: 1 }))
    expect(parseShard("a.b-c-7/8")).toEqual(Either.right({ index: 7, count: 8 }))
    for (const bad of ["4/4", "1/0", "x/4", "1", "-1/4", "a-b/2", "", "1/4/", "1/4x", "-pod-1/4"]) expect(Either.isLeft(parseShard(bad)), bad).toBe(true)
    // each refusal says why
    expect(parseShard("x")).toEqual(Either.left('invalid shard "x": expected INDEX/COUNT (e.g. 0/4, or POD-NAME-2/4)'))
    expect(parseShard("0/0")).toEqual(Either.left('invalid shard "0/0": COUNT must be at least 1'))
    expect(parseShard("3/3")).toEqual(Either.left('invalid shard "3/3": INDEX must be below COUNT (0..2)'))
    expect(parseShard("0/99999999999999999999")).toEqual(Either.left('invalid shard "0/99999999999999999999": COUNT must be at least 1'))
  })

  it("every controller is in exactly one shard, in order, and shard sizes differ by at most one", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 300 }), (total, count) => {
      const items = Array.from({ length: total }, (_, i) => i)
      const parts = Array.from({ length: count }, (_, index) => shardOf(items, { index, count }))
      expect(parts.flat()).toEqual(items)
      const sizes = parts.map((p) => p.length)
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
      for (let index = 0; index < count; index++) {
        const { start, end } = shardRange(total, { index, count })
        expect(end - start).toBe(sizes[index])
      }
    }), { numRuns: numRuns(200) })
  })
})
