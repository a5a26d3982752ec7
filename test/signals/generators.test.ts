/**
 * The signal generators as functions of signal time, without an engine: each wave's shape,
 * levels (amplitude/offset or min/max), period, phase and the shift of each copy; ramp, counter
 * and sequence arithmetic (wrapping, copies, phase); the random ones with a stand-in random
 * source (the walk reflected at its bounds, Box-Muller noise, a uniform draw) and with a seed
 * (the same stream for the same seed); and every parameter refused with its reason.
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { GENERATORS, type Instance, seededRandom } from "../../src/signals/generators.js"

const one: Instance = { copy: 0, copies: 1, random: () => 0.5 }
/** An instance of `name` with its defaults and `args`: its generator, or why it was refused. */
const make = (name: string, args: Record<string, number> = {}, values: ReadonlyArray<number | string> = [], at: Instance = one) => {
  const def = GENERATORS.get(name)!
  const full: Record<string, number> = {}
  for (const p of def.params) if (p.default !== undefined) full[p.name] = p.default
  return def.make({ ...full, ...args }, values, at)
}
const gen = (name: string, args: Record<string, number> = {}, values: ReadonlyArray<number | string> = [], at: Instance = one) =>
  Either.getOrThrow(make(name, args, values, at))
const refused = (name: string, args: Record<string, number> = {}, values: ReadonlyArray<number | string> = []) =>
  Either.match(make(name, args, values), { onLeft: (why) => why, onRight: () => "accepted" })
const at = (g: (t: number) => number | string, times: ReadonlyArray<number>) => times.map((t) => g(t))
const near = (got: ReadonlyArray<number | string>, want: ReadonlyArray<number>) =>
  got.forEach((g, i) => expect(g as number).toBeCloseTo(want[i]!, 9))

describe("seededRandom", () => {
  it("the same stream for the same seed (sfc32), uniform in [0, 1)", () => {
    const a = seededRandom(42)
    expect([a(), a(), a()]).toEqual([0.6879393742419779, 0.47510108654387295, 0.746229600161314])
    const z = seededRandom(0)
    expect([z(), z()]).toEqual([0.005756614962592721, 0.19524576188996434])
    const b = seededRandom(7)
    const c = seededRandom(7)
    const draws = Array.from({ length: 1000 }, () => b())
    expect(draws).toEqual(Array.from({ length: 1000 }, () => c()))
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true)
    expect(Math.min(...draws)).toBeLessThan(0.01)
    expect(Math.max(...draws)).toBeGreaterThan(0.99)
  })
})

describe("waves", () => {
  it("sine: offset ± amplitude over the period, shifted by phase and by each copy's share of a period", () => {
    near(at(gen("sine", { amplitude: 2, offset: 1, period: 4 }), [0, 1, 2, 3, 4]), [1, 3, 1, -1, 1])
    near(at(gen("sine", { period: 4, phase: 0.25 }), [0, 1]), [1, 0])
    near(at(gen("sine", { period: 4 }, [], { copy: 1, copies: 4, random: () => 0 }), [0]), [1])
    near(at(gen("sine"), [15]), [1]) // period 60 s by default
    near(at(gen("sine", { min: 0, max: 10, period: 4 }), [0, 1, 3]), [5, 10, 0])
  })

  it("sawtooth, triangle and square shapes", () => {
    near(at(gen("sawtooth", { period: 4 }), [0, 1, 2, 3, 4]), [-1, -0.5, 0, 0.5, -1])
    near(at(gen("triangle", { period: 4 }), [0, 1, 2, 3]), [-1, 0, 1, 0])
    expect(at(gen("square", { period: 10 }), [0, 4.9, 5, 9.9])).toEqual([1, 1, -1, -1])
    expect(at(gen("square", { period: 10, duty: 0.2, amplitude: 3, offset: 5 }), [0, 1.9, 2, 9])).toEqual([8, 8, 2, 2])
    expect(at(gen("square", { period: 10, duty: 0 }), [0, 5])).toEqual([-1, -1])
    expect(at(gen("square", { period: 10, duty: 1 }), [0, 9.9])).toEqual([1, 1])
  })

  it("refuses a period, levels or duty that make no wave", () => {
    expect(refused("sine", { period: 0 })).toBe("period must be a positive number (got 0)")
    expect(refused("sine", { period: -1 })).toBe("period must be a positive number (got -1)")
    expect(refused("sine", { period: Infinity })).toBe("period must be a positive number (got Infinity)")
    expect(refused("sine", { min: 0 })).toBe("give both min and max (or amplitude and offset)")
    expect(refused("sine", { max: 0 })).toBe("give both min and max (or amplitude and offset)")
    expect(refused("sine", { min: 0, max: 1, amplitude: 2 })).toBe("give min and max, or amplitude and offset, not both")
    expect(refused("sine", { min: 0, max: 1, offset: 2 })).toBe("give min and max, or amplitude and offset, not both")
    expect(refused("square", { duty: 1.5 })).toBe("duty must be between 0 and 1 (got 1.5)")
    expect(refused("square", { duty: -0.1 })).toBe("duty must be between 0 and 1 (got -0.1)")
  })
})

describe("ramp, counter, sequence", () => {
  it("ramp: start + rate·(t − delay) from the delay on, held within min..max", () => {
    expect(at(gen("ramp", { rate: 2, start: 10, max: 20, delay: 1 }), [0, 1, 2, 6, 100])).toEqual([10, 10, 12, 20, 20])
    expect(at(gen("ramp", { rate: -1, start: 0, min: -3 }), [0, 2, 10])).toEqual([0, -2, -3])
    expect(at(gen("ramp"), [0, 5])).toEqual([0, 5])
    expect(refused("ramp", { min: 5, max: 1 })).toBe("min 5 is above max 1")
  })

  it("counter: a step per period, past max from start again; copies and phase move it on", () => {
    expect(at(gen("counter", { step: 5, every: 2, start: 100, max: 110 }), [0, 1.9, 2, 4, 6, 8])).toEqual([100, 100, 105, 110, 100, 105])
    expect(at(gen("counter"), [0, 1, 1000])).toEqual([0, 1, 1000])
    expect(at(gen("counter", { max: 2 }, [], { copy: 2, copies: 3, random: () => 0 }), [0, 1])).toEqual([2, 0])
    expect(at(gen("counter", { max: 2, phase: -1 }), [0, 1])).toEqual([2, 0]) // before start wraps to the end
    expect(at(gen("counter", { step: -1, start: 0, max: -2 }), [0, 1, 2, 3])).toEqual([0, -1, -2, 0])
    expect(refused("counter", { start: 10, max: 5 })).toBe("max 5 is not reached from start 10 by step 1")
    expect(refused("counter", { every: 0 })).toBe("every must be a positive number (got 0)")
  })

  it("sequence: the values in turn, one per period; copies and phase start further on", () => {
    expect(at(gen("sequence", { every: 0.5 }, [3, 1, 4]), [0, 0.5, 1, 1.5, 1.6])).toEqual([3, 1, 4, 3, 3])
    expect(at(gen("sequence", {}, ["RUN", "STOP"], { copy: 1, copies: 2, random: () => 0 }), [0, 1])).toEqual(["STOP", "RUN"])
    expect(at(gen("sequence", { phase: -1 }, [1, 2, 3]), [0])).toEqual([3])
    expect(refused("sequence", {}, [])).toBe("give at least one value")
    expect(refused("sequence", { every: -2 }, [1])).toBe("every must be a positive number (got -2)")
  })
})

describe("random generators", () => {
  const always = (x: number): Instance => ({ copy: 0, copies: 1, random: () => x })

  it("random_walk: starts mid-range (or at its one bound, or 0), steps once per period, reflected at the bounds", () => {
    const up = gen("random_walk", { step: 2, min: 0, max: 10, start: 9 }, [], always(0.75)) // +1 a step
    expect(at(up, [0, 0.5, 1, 2, 3])).toEqual([9, 9, 10, 9, 10])
    const down = gen("random_walk", { step: 4, min: 0, max: 10 }, [], always(0)) // -4 a step
    expect(at(down, [0, 1, 2, 3])).toEqual([5, 1, 3, 1])
    // A step past both bounds stops at the far one.
    expect(gen("random_walk", { step: 30, min: 0, max: 10, start: 9 }, [], always(1))(1)).toBe(0)
    expect(gen("random_walk", { step: 30, min: 0, max: 10, start: 1 }, [], always(0))(1)).toBe(10)
    expect(at(gen("random_walk", { min: 3 }, [], always(0.5)), [0, 5])).toEqual([3, 3])
    expect(at(gen("random_walk", { max: -3 }, [], always(0.5)), [0])).toEqual([-3])
    expect(at(gen("random_walk", {}, [], always(0.5)), [0])).toEqual([0])
    expect(at(gen("random_walk", { min: 0, max: 1, start: 5 }, [], always(0.5)), [0])).toEqual([1]) // held within
    expect(at(gen("random_walk", { step: 1, every: 0.25 }, [], always(1)), [1])).toEqual([4])
    expect(refused("random_walk", { min: 2, max: 1 })).toBe("min 2 is above max 1")
    expect(refused("random_walk", { every: 0 })).toBe("every must be a positive number (got 0)")
  })

  it("a seed gives each copy its own stream: seed + copy", () => {
    const r = seededRandom(9 + 1)
    expect(at(gen("random", { seed: 9 }, [], { copy: 1, copies: 2, random: () => 0 }), [0, 0])).toEqual([r(), r()])
    const w = seededRandom(5)
    const walk = gen("random_walk", { seed: 5, min: 0, max: 100 }, [], always(0))
    const v1 = 50 + (w() * 2 - 1)
    expect(walk(1)).toBeCloseTo(v1, 12)
    const n = seededRandom(3)
    const u1 = n()
    const u2 = n()
    expect(gen("noise", { seed: 3, mean: 1, sd: 2 })(0)).toBeCloseTo(1 + 2 * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2), 12)
  })

  it("noise: mean + sd·(a Box-Muller normal draw); random: min + (max − min)·draw", () => {
    const draws = [0.5, 0, 0.5, 0.5]
    const noise = gen("noise", { mean: 10, sd: 2 }, [], { copy: 0, copies: 1, random: () => draws.shift()! })
    expect(noise(0)).toBeCloseTo(10 + 2 * Math.sqrt(2 * Math.log(2)), 12)
    expect(noise(0)).toBeCloseTo(10 - 2 * Math.sqrt(2 * Math.log(2)), 12)
    expect(gen("noise", { sd: 0, mean: 4 }, [], always(0.3))(0)).toBe(4)
    expect(refused("noise", { sd: -1 })).toBe("sd must be 0 or more (got -1)")
    expect(refused("noise", { sd: NaN })).toBe("sd must be 0 or more (got NaN)")
    expect(gen("random", { min: 10, max: 20 }, [], always(0.25))(0)).toBe(12.5)
    expect(gen("random", {}, [], always(0.25))(0)).toBe(0.25)
    expect(refused("random", { min: 1, max: 0 })).toBe("min 1 is above max 0")
  })
})

describe("edges", () => {
  const always = (x: number): Instance => ({ copy: 0, copies: 1, random: () => x })
  it("min/max levels: the wave between them, whatever min is", () => {
    near(at(gen("sine", { min: 2, max: 10, period: 4 }), [0, 1, 3]), [6, 10, 2])
    near(at(gen("triangle", { min: -4, max: 8, period: 4 }), [0, 2]), [-4, 8])
  })

  it("min equal to max is a range of one value", () => {
    expect(gen("ramp", { min: 3, max: 3, rate: 5 })(10)).toBe(3)
    expect(gen("random", { min: 3, max: 3 }, [], always(0.9))(0)).toBe(3)
    expect(at(gen("random_walk", { min: 3, max: 3 }, [], always(0.9)), [0, 1, 2])).toEqual([3, 3, 3])
    expect(at(gen("counter", { start: 4, max: 4, step: 1 }), [0, 1, 5])).toEqual([4, 4, 4]) // a span of one step
  })

  it("seeded walk and noise: copy k draws the stream of seed + k", () => {
    const copy1 = { copy: 1, copies: 2, random: () => 0 }
    const walk = gen("random_walk", { seed: 20, min: 0, max: 100 }, [], copy1)
    const same = gen("random_walk", { seed: 21, min: 0, max: 100 })
    expect(at(walk, [1, 2, 3])).toEqual(at(same, [1, 2, 3]))
    const noise = gen("noise", { seed: 30 }, [], copy1)
    const noise31 = gen("noise", { seed: 31 })
    expect(at(noise, [0, 0])).toEqual(at(noise31, [0, 0]))
  })

  it("sequence copies start further on, one value per copy", () => {
    const third = (copy: number) => gen("sequence", {}, ["a", "b", "c"], { copy, copies: 3, random: () => 0 })
    expect([0, 1, 2].map((c) => third(c)(0))).toEqual(["a", "b", "c"])
    expect([0, 1, 2].map((c) => third(c)(1))).toEqual(["b", "c", "a"])
  })
})
