import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import fc from "fast-check"
import { runs } from "../propertyRuns.js"
import { makeTagStore } from "../../src/tags/tagStore.js"
import { formatTagSpec, parseTagSpec, SPEC_TYPES } from "../../src/tags/spec.js"

describe("TagStore properties", () => {
  it("random writes and reads agree with an array model; out-of-range writes change nothing", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.array(fc.record({ start: fc.integer({ min: -3, max: 45 }), values: fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 1, maxLength: 8 }) }), { maxLength: 30 }),
      (size, writes) => {
        const store = Effect.runSync(makeTagStore([`T=INT[${size}]`]))
        const model: Array<number> = Array.from({ length: size }, () => 0)
        for (const w of writes) {
          const r = Effect.runSync(Effect.either(store.write("T", w.start, w.values)))
          const fits = w.start >= 0 && w.start + w.values.length <= size
          expect(Either.isRight(r)).toBe(fits)
          if (fits) w.values.forEach((v, i) => { model[w.start + i] = v })
          expect(Effect.runSync(store.read("T"))).toEqual(model)
        }
      }
    ), runs(200))
  })

  it("every formatted spec parses back to itself", () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/)
    fc.assert(fc.property(
      name, fc.constantFrom(...SPEC_TYPES), fc.integer({ min: 1, max: 5000 }),
      fc.option(fc.record({ cls: fc.integer({ min: 0x70, max: 0xffff }), ins: fc.integer({ min: 1, max: 0xffff }), att: fc.integer({ min: 1, max: 0xffff }) }), { nil: undefined }),
      (n, type, count, placement) => {
        const text = `${n}${placement ? `@${placement.cls}/${placement.ins}/${placement.att}` : ""}=${type}[${count}]`
        const spec = parseTagSpec(text)
        if (Either.isLeft(spec)) throw new Error(spec.left.message)
        expect(spec.right).toMatchObject({ name: n, type, count, scalar: count === 1 })
        const again = parseTagSpec(formatTagSpec(spec.right))
        expect(Either.getOrThrow(again)).toEqual(spec.right)
      }
    ), runs(300))
  })
})
