/**
 * The signal generators: functions of the signal time `t` (seconds the generators have run,
 * pauses excluded). Each call in a spec is one generator instance with its own state (a random
 * walk's position, a random stream). A target of several elements (`SCADA[0-9]`) makes one
 * instance per element, `copy` of `copies`: periodic waves are shifted by `copy / copies` of a
 * period, counters and sequences by `copy` steps, random ones draw from their own streams.
 */
import { Either } from "effect"

/** A generator instance: its value at signal time `t` (seconds; never decreasing). */
export type Generator = (t: number) => number | string

/** Where an instance sits among the copies of one spec, and its random stream. */
export interface Instance {
  readonly copy: number
  readonly copies: number
  /** Uniform in [0, 1), seeded per instance. */
  readonly random: () => number
}

/** One parameter of a generator: its name and default (undefined: none). */
export interface Param {
  readonly name: string
  readonly default?: number
}

/** A generator by name: its parameters (positional order) and how to make an instance. */
export interface GeneratorDef {
  readonly name: string
  readonly params: ReadonlyArray<Param>
  /** Takes any number of leading positional values (sequence). */
  readonly variadic?: boolean
  /** One line for the README and errors. */
  readonly usage: string
  readonly make: (args: Readonly<Record<string, number>>, values: ReadonlyArray<number | string>, at: Instance) => Either.Either<Generator, string>
}

const TAU = 2 * Math.PI
const frac = (x: number) => x - Math.floor(x)

/** A seeded uniform generator (sfc32): fast, small, and the same sequence for the same seed. */
export const seededRandom = (seed: number): (() => number) => {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0
    const t = (a + b) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    d = (d + 1) | 0
    const r = (t + d) | 0
    c = (c + r) | 0
    return (r >>> 0) / 4294967296
  }
  for (let i = 0; i < 12; i++) next() // let the seed spread through the state
  return next
}

const positive = (args: Readonly<Record<string, number>>, name: string): Either.Either<number, string> => {
  const v = args[name]!
  return Number.isFinite(v) && v > 0 ? Either.right(v) : Either.left(`${name} must be a positive number (got ${v})`)
}

/** amplitude/offset, or min/max instead (not both). */
const levels = (args: Readonly<Record<string, number>>): Either.Either<{ amplitude: number; offset: number }, string> => {
  const hasMin = Number.isFinite(args["min"]!)
  const hasMax = Number.isFinite(args["max"]!)
  if (!hasMin && !hasMax) return Either.right({ amplitude: args["amplitude"]!, offset: args["offset"]! })
  if (hasMin !== hasMax) return Either.left("give both min and max (or amplitude and offset)")
  if (args["amplitude"] !== 1 || args["offset"] !== 0) return Either.left("give min and max, or amplitude and offset, not both")
  return Either.right({ amplitude: (args["max"]! - args["min"]!) / 2, offset: (args["max"]! + args["min"]!) / 2 })
}

const WAVE: ReadonlyArray<Param> = [
  { name: "amplitude", default: 1 }, { name: "offset", default: 0 }, { name: "period", default: 60 },
  { name: "phase", default: 0 }, { name: "min", default: NaN }, { name: "max", default: NaN }
]

/** A periodic wave from its shape over one period (`x` in [0, 1) → [-1, 1]). */
const wave = (
  name: string,
  usage: string,
  shape: (x: number, args: Readonly<Record<string, number>>) => number,
  extra: ReadonlyArray<Param> = [],
  check: (args: Readonly<Record<string, number>>) => string | undefined = () => undefined
): GeneratorDef => ({
  name,
  usage,
  params: [...WAVE.slice(0, 3), ...extra, ...WAVE.slice(3)],
  make: (args, _values, at) =>
    check(args) !== undefined ? Either.left(check(args)!) : Either.flatMap(positive(args, "period"), (period) =>
      Either.map(levels(args), ({ amplitude, offset }) => {
        const shift = args["phase"]! + at.copy / at.copies
        return (t: number) => offset + amplitude * shape(frac(t / period + shift), args)
      }))
})

const DEFINITIONS: ReadonlyArray<GeneratorDef> = [
  wave("sine", "sine(amplitude=1, offset=0, period=60s, phase=0): offset + amplitude·sin(2π(t/period + phase))", (x) => Math.sin(TAU * x)),
  wave("sawtooth", "sawtooth(amplitude=1, offset=0, period=60s, phase=0): rises from offset−amplitude to offset+amplitude, then drops", (x) => 2 * x - 1),
  wave("triangle", "triangle(amplitude=1, offset=0, period=60s, phase=0): rises from offset−amplitude to offset+amplitude in half a period, falls back in the other half", (x) => 1 - 4 * Math.abs(x - 0.5)),
  wave("square", "square(amplitude=1, offset=0, period=60s, duty=0.5, phase=0): offset+amplitude for `duty` of each period, then offset−amplitude",
    (x, args) => (x < args["duty"]! ? 1 : -1), [{ name: "duty", default: 0.5 }],
    (args) => (args["duty"]! >= 0 && args["duty"]! <= 1 ? undefined : `duty must be between 0 and 1 (got ${args["duty"]})`)),
  {
    name: "ramp",
    usage: "ramp(rate=1, start=0, min=-inf, max=inf, delay=0s): start + rate·(t − delay) from the delay on, held within min..max",
    params: [{ name: "rate", default: 1 }, { name: "start", default: 0 }, { name: "min", default: -Infinity }, { name: "max", default: Infinity }, { name: "delay", default: 0 }],
    make: (args) => {
      const { rate, start, min, max, delay } = args as Record<"rate" | "start" | "min" | "max" | "delay", number>
      if (min > max) return Either.left(`min ${min} is above max ${max}`)
      return Either.right((t) => Math.min(max, Math.max(min, start + rate * Math.max(0, t - delay))))
    }
  },
  {
    name: "random_walk",
    usage: "random_walk(step=1, min=-inf, max=inf, start=(min+max)/2 or 0, every=1s, seed): moves by up to ±step every `every`, reflected at min and max",
    params: [{ name: "step", default: 1 }, { name: "min", default: -Infinity }, { name: "max", default: Infinity }, { name: "start", default: NaN }, { name: "every", default: 1 }, { name: "seed", default: NaN }],
    make: (args, _values, at) =>
      Either.flatMap(positive(args, "every"), (every) => {
        const { step, min, max } = args as Record<"step" | "min" | "max", number>
        if (min > max) return Either.left(`min ${min} is above max ${max}`)
        const random = Number.isFinite(args["seed"]!) ? seededRandom(args["seed"]! + at.copy) : at.random
        let value = Number.isFinite(args["start"]!) ? args["start"]! : Number.isFinite(min) && Number.isFinite(max) ? (min + max) / 2 : Number.isFinite(min) ? min : Number.isFinite(max) ? max : 0
        value = Math.min(max, Math.max(min, value))
        let steps = 0
        return Either.right((t) => {
          const due = Math.floor(t / every + 1e-9)
          for (; steps < due; steps++) {
            value += (random() * 2 - 1) * step
            // Reflect at the bounds: the walk stays inside without sticking to an edge.
            if (value > max) value = Math.max(min, 2 * max - value)
            if (value < min) value = Math.min(max, 2 * min - value)
          }
          return value
        })
      })
  },
  {
    name: "noise",
    usage: "noise(mean=0, sd=1, seed): a normal (Gaussian) draw at every evaluation",
    params: [{ name: "mean", default: 0 }, { name: "sd", default: 1 }, { name: "seed", default: NaN }],
    make: (args, _values, at) => {
      const { mean, sd } = args as Record<"mean" | "sd", number>
      if (!(sd >= 0)) return Either.left(`sd must be 0 or more (got ${sd})`)
      const random = Number.isFinite(args["seed"]!) ? seededRandom(args["seed"]! + at.copy) : at.random
      return Either.right(() => mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(TAU * random()))
    }
  },
  {
    name: "random",
    usage: "random(min=0, max=1, seed): a uniform draw in min..max at every evaluation",
    params: [{ name: "min", default: 0 }, { name: "max", default: 1 }, { name: "seed", default: NaN }],
    make: (args, _values, at) => {
      const { min, max } = args as Record<"min" | "max", number>
      if (min > max) return Either.left(`min ${min} is above max ${max}`)
      const random = Number.isFinite(args["seed"]!) ? seededRandom(args["seed"]! + at.copy) : at.random
      return Either.right(() => min + (max - min) * random())
    }
  },
  {
    name: "counter",
    usage: "counter(step=1, every=1s, start=0, max=inf, phase=0): start + step per `every`; past max it starts again from start",
    params: [{ name: "step", default: 1 }, { name: "every", default: 1 }, { name: "start", default: 0 }, { name: "max", default: Infinity }, { name: "phase", default: 0 }],
    make: (args, _values, at) =>
      Either.flatMap(positive(args, "every"), (every) => {
        const { step, start, max, phase } = args as Record<"step" | "start" | "max" | "phase", number>
        const span = Number.isFinite(max) ? Math.floor((max - start) / step) + 1 : Infinity
        if (!(span >= 1)) return Either.left(`max ${max} is not reached from start ${start} by step ${step}`)
        return Either.right((t) => {
          const n = Math.floor(t / every + phase + 1e-9) + at.copy
          return start + step * (Number.isFinite(span) ? ((n % span) + span) % span : n)
        })
      })
  },
  {
    name: "sequence",
    usage: "sequence(v1, v2, …, every=1s, phase=0): the values in turn, one per `every`, round and round (numbers or strings)",
    params: [{ name: "every", default: 1 }, { name: "phase", default: 0 }],
    variadic: true,
    make: (args, values, at) =>
      Either.flatMap(positive(args, "every"), (every) => {
        if (values.length === 0) return Either.left("give at least one value")
        const n = values.length
        return Either.right((t) => values[((Math.floor(t / every + args["phase"]! + 1e-9) + at.copy) % n + n) % n]!)
      })
  }
]

/** The generators by name. */
export const GENERATORS: ReadonlyMap<string, GeneratorDef> = new Map(DEFINITIONS.map((d) => [d.name, d]))
