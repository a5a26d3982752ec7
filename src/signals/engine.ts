/**
 * The signal engine: compiles signal specs against a TagStore and, on every tick of an Effect
 * `Schedule` (so tests drive it with TestClock), computes each generated element and writes the
 * ones that changed as ordinary tag writes (clients, the web page, `-p` and history see them).
 *
 * - Elements are computed in dependency order: `Flow = Level * 0.3` sees this tick's Level. A
 *   cycle between expressions is refused when the engine is built.
 * - Signal time runs only while enabled: a paused engine holds every value, and resumes where it
 *   stopped.
 * - A write by anyone else (a client, the web API) to a generated element wins: the engine sees
 *   the stored value differ from what it last wrote, stops writing that element and feeds its
 *   expressions the written value, until `resume`.
 */
import { Clock, Context, Effect, Either, Layer, Random, Schedule, type Scope } from "effect"
import type { CipValue } from "../cip/types.js"
import { encodeValues } from "../cip/types.js"
import { type Tag, TagError, TagStore, type TagStoreService } from "../tags/tagStore.js"
import { compile, type Compiled, type RefBinding, type Value } from "./compile.js"
import { seededRandom } from "./generators.js"
import { parseSignal, SignalParseError, type SignalSpec } from "./parser.js"
import { elementKey, elementLabel, type ElementRun, kindOf, resolvePath, toStored, toValue } from "./targets.js"
import { orderSlots } from "./order.js"

/** Options of the engine. */
export interface SignalOptions {
  /** Time between evaluations, milliseconds (default 100: 10 Hz). */
  readonly periodMillis?: number
  /** Seed of the random generators that are given none (default: drawn from Effect's Random). */
  readonly seed?: number
  /** Start paused (default false). */
  readonly paused?: boolean
  /** Do not tick until `start` is run (to put listeners in place first); default false. */
  readonly deferStart?: boolean
}

/** One configured signal, as the web API lists it. */
export interface SignalInfo {
  /** `SCADA[0-9]`, `Level`. */
  readonly target: string
  readonly expression: string
  readonly elements: number
}

/** Counters since the engine started. */
export interface SignalStats {
  readonly ticks: number
  /** Elements written. */
  readonly writes: number
  /** Values that could not be stored (NaN, ±Infinity) or writes refused (a forced error). */
  readonly skipped: number
  /** Wall time the last tick took, milliseconds. */
  readonly lastTickMillis: number
}

/** The running engine. */
export interface SignalsService {
  readonly signals: ReadonlyArray<SignalInfo>
  readonly enabled: () => boolean
  /** Pause (hold every value; signal time stops) or run. */
  readonly setEnabled: (on: boolean) => Effect.Effect<void>
  /** Elements a client or the web API wrote, which the engine leaves alone: `Level`, `SCADA[3]`. */
  readonly overridden: () => ReadonlyArray<string>
  /**
   * Generate overridden elements again: all of them, or those of one target or tag
   * (`SCADA`, `SCADA[3]`). Returns how many were resumed.
   */
  readonly resume: (which?: string) => Effect.Effect<number>
  /** Signal time, seconds. */
  readonly time: () => number
  /** Evaluate and write once now (the schedule calls it every period). */
  readonly tick: Effect.Effect<void>
  /** Start ticking for the life of the scope (done already unless built with `deferStart`; once only). */
  readonly start: Effect.Effect<void, never, Scope.Scope>
  readonly stats: () => SignalStats
}

export class Signals extends Context.Tag("cpppo/signals/Signals")<Signals, SignalsService>() {
  /** The engine over the TagStore in the context, ticking for the life of the layer. */
  static readonly layer = (specs: ReadonlyArray<string | SignalSpec>, options: SignalOptions = {}): Layer.Layer<Signals, SignalParseError, TagStore> =>
    Layer.scoped(Signals, Effect.flatMap(TagStore, (store) => makeSignals(store, specs, options)))
}

/** One generated element. */
interface Slot {
  readonly id: number
  readonly group: Group
  readonly index: number
  readonly key: string
  readonly label: string
  compiled: Compiled | undefined
  /** This tick's value (the stored one while overridden). */
  value: Value
  overridden: boolean
  /** The stored form of what the engine last wrote (undefined: nothing yet). */
  written: CipValue | undefined
}

/** The elements one spec generates. */
interface Group {
  readonly run: ElementRun
  readonly spec: SignalSpec
  readonly slots: Array<Slot>
}

const equal = (a: CipValue | undefined, b: CipValue | undefined): boolean =>
  a === b || (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b))

/** Read elements straight from storage (no events, forced errors ignored, as the web page observes). */
const peek = (tag: Tag, start: number, count: number): Effect.Effect<ReadonlyArray<CipValue>> => {
  const sync = tag.attribute.sync
  if (sync) return Effect.sync(() => sync.unsafeRead(start, count))
  return tag.attribute.read(start, count).pipe(Effect.orElseSucceed(() => []))
}

const failure = (spec: SignalSpec, position: number, reason: string) => new SignalParseError({ spec: spec.text, position, reason })

/** Elements written between turns of the event loop. */
const SLICE = 1000
/** A turn of the event loop (I/O callbacks run), not of the Clock: the same under TestClock. */
const turn = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

/** Build the engine over `store` and start its schedule in the current scope. */
export const makeSignals = (
  store: TagStoreService,
  specs: ReadonlyArray<string | SignalSpec>,
  options: SignalOptions = {}
): Effect.Effect<SignalsService, SignalParseError, Scope.Scope> =>
  Effect.gen(function* () {
    const parsed: Array<SignalSpec> = []
    for (const s of specs) parsed.push(typeof s === "string" ? yield* parseSignal(s) : s)
    const seed = options.seed ?? (yield* Random.nextIntBetween(0, 0x7fffffff))
    let streams = 0
    const random = () => seededRandom((seed + Math.imul(++streams, 0x9e3779b1)) >>> 0)
    // Whole milliseconds of the Clock: sums of them stay exact, so a counter steps on the tick it should.
    let elapsed = 0
    const time = () => elapsed / 1000

    // Targets first, so references know which elements are generated.
    const groups: Array<Group> = []
    const slots: Array<Slot> = []
    const byKey = new Map<string, Slot>()
    for (const spec of parsed) {
      const run = resolvePath(store, spec.target, true)
      if (Either.isLeft(run)) return yield* Effect.fail(failure(spec, spec.target.pos, run.left))
      const group: Group = { run: run.right, spec, slots: [] }
      const initial = yield* peek(run.right.tag, run.right.start, run.right.count)
      for (let i = 0; i < run.right.count; i++) {
        const index = run.right.start + i
        const key = elementKey(run.right.tag, index)
        const twice = byKey.get(key)
        if (twice !== undefined) {
          return yield* Effect.fail(failure(spec, spec.target.pos, `${elementLabel(run.right.tag, index)} is generated twice (also by ${JSON.stringify(twice.group.spec.text)})`))
        }
        const slot: Slot = { id: slots.length, group, index, key, label: elementLabel(run.right.tag, index), compiled: undefined, value: toValue(initial[i]), overridden: false, written: undefined }
        slots.push(slot)
        group.slots.push(slot)
        byKey.set(key, slot)
      }
      groups.push(group)
    }

    // Referenced tags whose storage is asynchronous (a custom Attribute): read once per tick.
    const cache = new Map<string, Value>()
    const asyncRefs = new Map<string, { tag: Tag; index: number }>()
    const bind = (spec: SignalSpec) => (path: Parameters<typeof resolvePath>[1]): Either.Either<RefBinding, string> =>
      Either.map(resolvePath(store, path, false), (run): RefBinding => {
        const { tag, start } = run
        const key = elementKey(tag, start)
        const kind = kindOf(tag.type)
        const slot = byKey.get(key)
        if (slot !== undefined) return { key, kind, read: () => slot.value }
        const sync = tag.attribute.sync
        if (sync) return { key, kind, read: () => toValue(sync.unsafeRead(start, 1)[0]) }
        asyncRefs.set(key, { tag, index: start })
        void spec
        return { key, kind, read: () => cache.get(key) ?? 0 }
      })

    for (const group of groups) {
      const { spec, run } = group
      for (const slot of group.slots) {
        const c = compile(spec.expr, {
          copy: slot.index - run.start, copies: run.count, time, random, ref: bind(spec)
        })
        if (Either.isLeft(c)) return yield* Effect.fail(failure(spec, c.left.position, c.left.reason))
        const want = kindOf(run.tag.type)
        if (c.right.kind === "string" && want === "number") {
          return yield* Effect.fail(failure(spec, spec.expr.pos, `${run.label} is a ${run.tag.type}: the expression gives strings`))
        }
        slot.compiled = c.right
      }
    }

    const order = orderSlots(slots, byKey)
    if (Either.isLeft(order)) {
      const { slot, pos, cycle } = order.left
      return yield* Effect.fail(failure(slot.group.spec, pos, `signals form a cycle: ${cycle.join(" → ")}`))
    }
    const sequence = order.right

    let enabled = options.paused !== true
    let last: number | undefined
    const stats = { ticks: 0, writes: 0, skipped: 0, lastTickMillis: 0 }
    const warned = new Set<number>()
    const warnings: Array<string> = []

    /** Write a run of changed elements; an asynchronous storage's write is left in `pending`. */
    const writeRun = (g: Group, type: Parameters<typeof toStored>[0], first: number, vals: ReadonlyArray<CipValue>, pending: Array<Effect.Effect<void>>) => {
      const done = () => {
        for (let i = 0; i < vals.length; i++) g.slots[first - g.run.start + i]!.written = vals[i]
        stats.writes += vals.length
      }
      // A BOOL array's wire element is a DWORD of 32 BOOLs: its elements are written as values
      // (the store sets the bits), not as encoded BOOL bytes, which it refuses for such a tag.
      const out = g.run.tag.element._tag === "Bits"
        ? store.write(g.run.tag.name, first, vals)
        : store.writeBytes(g.run.tag, first, vals.length, encodeValues(type, vals))
      if (out instanceof TagError) stats.skipped += vals.length
      else if (Effect.isEffect(out)) pending.push(Effect.match(out as Effect.Effect<void, TagError>, { onFailure: () => { stats.skipped += vals.length }, onSuccess: done }))
      else done()
    }

    /** Compute every generated element (overridden ones take the stored value). */
    const compute = (current: ReadonlyArray<ReadonlyArray<CipValue>>): void => {
      groups.forEach((g, gi) => {
        const stored = current[gi]!
        for (const s of g.slots) {
          const now = stored[s.index - g.run.start]
          // An element whose read failed (asynchronous storage: no value) is unknown, not overridden.
          if (!s.overridden && s.written !== undefined && now !== undefined && !equal(now, s.written)) s.overridden = true
          if (s.overridden) s.value = toValue(now)
        }
      })
      for (const s of sequence) if (!s.overridden) s.value = s.compiled!.evaluate()
    }

    /**
     * Write the changed elements of groups `from` up to about `budget` elements; returns where it
     * stopped. One plain loop per group, no closures or arrays per group unless it writes (10,000
     * scalar signals are 10,000 groups a tick). Asynchronous storage's writes go to `pending`.
     */
    const writeGroups = (current: ReadonlyArray<ReadonlyArray<CipValue>>, from: number, budget: number, pending: Array<Effect.Effect<void>>): number => {
      let done = 0
      let gi = from
      for (; gi < groups.length && done < budget; gi++) {
        const g = groups[gi]!
        done += g.slots.length
        // After a turn of the event loop a client may have written: read again, so its write is
        // seen as an override and not overwritten.
        const sync = from > 0 ? g.run.tag.attribute.sync : undefined
        const stored = sync !== undefined ? sync.unsafeRead(g.run.start, g.run.count) : current[gi]!
        const type = g.run.tag.type as Parameters<typeof toStored>[0]
        let runStart = -1
        let values: Array<CipValue> | undefined
        for (let k = 0; k <= g.slots.length; k++) {
          const s = g.slots[k]
          let v: CipValue | undefined
          if (s !== undefined) {
            const now = stored[s.index - g.run.start]
            if (!s.overridden && s.written !== undefined && now !== undefined && !equal(now, s.written)) s.overridden = true
            v = s.overridden ? undefined : toStored(type, s.value)
            if (v === undefined && !s.overridden) {
              stats.skipped++
              if (!warned.has(s.id)) {
                warned.add(s.id)
                warnings.push(`signal ${elementLabel(g.run.tag, s.index)}: ${String(s.value)} cannot be stored as a ${type}; the element keeps its value (logged once)`)
              }
            }
            if (v !== undefined && equal(v, now)) {
              s.written = v
              v = undefined
            }
          }
          if (v !== undefined) {
            if (runStart < 0) {
              runStart = s!.index
              values = []
            }
            values!.push(v)
          } else if (runStart >= 0) {
            writeRun(g, type, runStart, values!, pending)
            runStart = -1
          }
        }
      }
      return gi
    }

    const tick: Effect.Effect<void> = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      if (!enabled) return
      if (last !== undefined) elapsed += now - last
      last = now
      const began = performance.now()
      for (const [key, { tag, index }] of asyncRefs) cache.set(key, toValue((yield* peek(tag, index, 1))[0]))
      const current: Array<ReadonlyArray<CipValue>> = []
      for (const g of groups) {
        const sync = g.run.tag.attribute.sync
        current.push(sync !== undefined ? sync.unsafeRead(g.run.start, g.run.count) : yield* peek(g.run.tag, g.run.start, g.run.count))
      }
      compute(current)
      // Written in slices, giving the event loop a turn between them, so clients' requests are
      // not held for a whole tick of many thousands of elements.
      const pending: Array<Effect.Effect<void>> = []
      for (let gi = writeGroups(current, 0, SLICE, pending); gi < groups.length; gi = writeGroups(current, gi, SLICE, pending)) yield* turn
      for (const p of pending) yield* p
      for (const w of warnings.splice(0)) yield* Effect.logWarning(w)
      stats.ticks++
      stats.lastTickMillis = performance.now() - began
    })

    const period = Math.max(1, options.periodMillis ?? 100)
    let started = false
    const start = Effect.suspend(() => {
      if (started) return Effect.void
      started = true
      return Effect.asVoid(Effect.forkScoped(Effect.repeat(tick, Schedule.fixed(period))))
    })
    if (options.deferStart !== true) yield* start

    const matches = (which: string | undefined, s: Slot): boolean => {
      if (which === undefined || which === "" || which === "*" || /^(all|true|yes)$/i.test(which)) return true
      const w = which.replace(/\s+/g, "").toLowerCase()
      const tag = s.group.run.tag.name.toLowerCase()
      return w === tag || w === s.key || w === s.group.run.label.toLowerCase()
    }

    return {
      signals: groups.map((g) => ({ target: g.run.label, expression: g.spec.source, elements: g.run.count })),
      enabled: () => enabled,
      setEnabled: (on) => Effect.map(Clock.currentTimeMillis, (now) => {
        // Pausing counts the time up to now; running again starts counting from now.
        if (enabled && last !== undefined) elapsed += now - last
        enabled = on
        last = on ? now : undefined
      }),
      overridden: () => slots.filter((s) => s.overridden).map((s) => s.label),
      resume: (which) => Effect.sync(() => {
        let n = 0
        for (const s of slots) {
          if (s.overridden && matches(which, s)) {
            s.overridden = false
            s.written = undefined
            n++
          }
        }
        return n
      }),
      time,
      tick,
      start,
      stats: () => ({ ...stats })
    } satisfies SignalsService
  })
