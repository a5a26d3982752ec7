/**
 * Where signals write and what expressions read, without an engine: tag paths resolved against a
 * TagStore (program scope, element runs and their labels, what cannot be generated), element keys
 * and labels, and values crossing between expressions and each CIP type (toValue, toStored).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { elementKey, elementLabel, parseSignal, resolvePath, toStored, toValue } from "../../src/signals/index.js"
import { kindOf } from "../../src/signals/targets.js"
import { makeTagStore } from "../../src/tags/tagStore.js"

const target = (text: string) => Either.getOrThrow(parseSignal(`${text}=0`)).target

describe("resolvePath", () => {
  it.effect("a tag, a run of its elements, a program-scoped tag; labels and counts", () =>
    Effect.gen(function* () {
      const store = yield* makeTagStore(["SCADA=INT[10]", "Level=REAL", "Program:Main.Speed=DINT[4]", "D=Motor"], { udts: ["Motor{Speed:REAL}"] })
      const got = (text: string, whole: boolean) =>
        Either.match(resolvePath(store, target(text), whole), { onLeft: (why) => why, onRight: (r) => [r.tag.name, r.start, r.count, r.label] })
      expect(got("SCADA[2-4]", true)).toEqual(["SCADA", 2, 3, "SCADA[2-4]"])
      expect(got("SCADA[7-9]", true)).toEqual(["SCADA", 7, 3, "SCADA[7-9]"])
      expect(got("SCADA[3]", true)).toEqual(["SCADA", 3, 1, "SCADA[3]"])
      expect(got("SCADA", true)).toEqual(["SCADA", 0, 10, "SCADA[0-9]"])
      expect(got("SCADA", false)).toEqual(["SCADA", 0, 1, "SCADA[0]"]) // a reference without an index reads element 0
      expect(got("scada[1]", false)).toEqual(["SCADA", 1, 1, "SCADA[1]"])
      expect(got("Level", true)).toEqual(["Level", 0, 1, "Level"])
      expect(got("Program:Main.Speed[1-2]", true)).toEqual(["Program:Main.Speed", 1, 2, "Program:Main.Speed[1-2]"])
      expect(got("PROGRAM:Main.Speed", false)).toEqual(["Program:Main.Speed", 0, 1, "Program:Main.Speed[0]"])
      expect(got("Program:Main", true)).toBe("no tag named Program:Main")
      expect(got("Program:Main.Nope", true)).toBe("no tag named Program:Main.Nope")
      expect(got("Program:Main[0].Speed", true)).toBe("no tag named Program:Main") // an index on the program: not a scope
      expect(got("Level.X", true)).toBe("Level.X: Level is a REAL, which has no members a signal can address")
      expect(got("Program:Main.Speed.X", true)).toBe("Program:Main.Speed.X: Program:Main.Speed is a DINT, which has no members a signal can address")
      expect(got("SCADA[10]", true)).toBe("SCADA[10]: index out of range 0..9")
      expect(got("SCADA[9]", true)).toEqual(["SCADA", 9, 1, "SCADA[9]"])
      expect(got("D", true)).toBe("D: a Motor cannot be generated")
      // The README: structure members are not targets yet.
      expect(got("D.Speed", true)).toBe("D.Speed: D is a Motor, which has no members a signal can address")
      expect(got("Nope", true)).toBe("no tag named Nope")
    }))

  it.effect("element keys fold the name's case; labels name scalars without an index", () =>
    Effect.gen(function* () {
      const store = yield* makeTagStore(["Level=REAL", "SCADA=INT[3]"])
      expect(elementKey(store.find("Level")!, 0)).toBe("level[0]")
      expect(elementKey(store.find("SCADA")!, 2)).toBe("scada[2]")
      expect(elementLabel(store.find("Level")!, 0)).toBe("Level")
      expect(elementLabel(store.find("SCADA")!, 2)).toBe("SCADA[2]")
    }))
})

describe("values between expressions and tags", () => {
  it("kindOf: strings for STRING and SSTRING, numbers otherwise", () => {
    expect(["STRING", "SSTRING", "DINT", "BOOL", "REAL"].map(kindOf)).toEqual(["string", "string", "number", "number", "number"])
  })

  it("toValue: BOOL as 1 or 0, LINT as a number, a structure or nothing as 0", () => {
    expect([true, false, 5n, -3n, 2.5, "x", "", undefined, { a: 1 }].map((v) => toValue(v as never))).toEqual([1, 0, 5, -3, 2.5, "x", "", 0, 0])
  })

  it("toStored: strings cut to the type's capacity, beyond Latin-1 as ?; numbers as their text", () => {
    expect(toStored("STRING", "x".repeat(100))).toBe("x".repeat(82))
    expect(toStored("SSTRING", "x".repeat(300))).toBe("x".repeat(255))
    expect(toStored("STRING", "aé€b")).toBe("aé?b")
    expect(toStored("SSTRING", 1.5)).toBe("1.5")
    expect(toStored("STRING", 0)).toBe("0")
  })

  it("toStored: numbers held in each type; a string that is a number is one; what is not finite cannot be stored", () => {
    expect(toStored("BOOL", 2)).toBe(true)
    expect(toStored("BOOL", 0)).toBe(false)
    expect(toStored("BOOL", "1")).toBe(true)
    expect(toStored("DINT", "12.6")).toBe(13)
    expect(toStored("DINT", "abc")).toBeUndefined()
    expect(toStored("DINT", Infinity)).toBeUndefined()
    expect(toStored("REAL", NaN)).toBeUndefined()
    expect(toStored("REAL", 0.1)).toBe(Math.fround(0.1))
    expect(toStored("REAL", -1e39)).toBe(-Math.fround(3.4028234663852886e38))
    expect(toStored("LREAL", 0.1)).toBe(0.1)
    expect(toStored("LREAL", "2.5")).toBe(2.5)
    expect(toStored("SINT", 200)).toBe(127)
    expect(toStored("SINT", -200)).toBe(-128)
    expect(toStored("USINT", -1)).toBe(0)
    expect(toStored("UDINT", 4294967295.4)).toBe(4294967295)
    expect(toStored("INT", -2.5)).toBe(-2)
    expect(toStored("LINT", 1e30)).toBe(2n ** 63n - 1n)
    expect(toStored("LINT", -1e30)).toBe(-(2n ** 63n))
    expect(toStored("LINT", 41.6)).toBe(42n)
    expect(toStored("ULINT", -5)).toBe(0n)
    expect(toStored("ULINT", 1e30)).toBe(2n ** 64n - 1n)
    expect(toStored("ULINT", 7)).toBe(7n)
  })
})
