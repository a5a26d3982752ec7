/**
 * The `options` items that make tags move: `options/signals` (the signal generators: pause,
 * resume overridden elements) and `options/replay` (a history played into the tags: position,
 * pause, seek, speed). Each is present only when the simulator runs them.
 */
import { Effect, Either } from "effect"
import type { ReplayService } from "../replay/replay.js"
import { parseReplayTime } from "../replay/time.js"
import type { SignalsService } from "../signals/engine.js"
import { parseBoolean, parseNumber } from "./convert.js"
import type { ReplayItem, SignalsItem } from "./reply.js"

/** A planned command: a read (its value) or a write (its message), or why it is refused. */
export type ItemStep =
  | { readonly _tag: "Read"; readonly value: Effect.Effect<ReadonlyArray<string> | string | number | boolean, string> }
  | { readonly _tag: "Write"; readonly run: Effect.Effect<string, string> }

export const SIGNALS_COMMANDS = ["enabled", "resume"] as const
export const SIGNALS_FIELDS = ["enabled", "time", "signals", "overridden", "resume", "writes"] as const
export const REPLAY_COMMANDS = ["paused", "speed", "seek"] as const
export const REPLAY_FIELDS = ["position", "offset", "speed", "paused", "loop", "begin", "end", "finished", "applied", "skipped", "loops", "files"] as const

const write = (run: Effect.Effect<string, string>): Either.Either<ItemStep, string> => Either.right({ _tag: "Write", run })

export const signalsItem = (g: SignalsService): SignalsItem => ({
  enabled: g.enabled(),
  time: Math.round(g.time() * 1000) / 1000,
  signals: g.signals.map((s) => `${s.target} = ${s.expression}`),
  overridden: [...g.overridden()],
  writes: g.stats().writes
})

/** Plan a command on `options/signals`; `value` undefined is a read of a field. */
export const planSignals = (g: SignalsService, command: string, value: string | undefined): Either.Either<ItemStep, string> => {
  if (value === undefined) {
    const item = signalsItem(g)
    if (command === "resume") return Either.right({ _tag: "Read", value: Effect.sync(() => [...g.overridden()]) })
    if (!(command in item)) return Either.left(`signals has no field ${command} (${SIGNALS_FIELDS.join(", ")})`)
    return Either.right({ _tag: "Read", value: Effect.sync(() => signalsItem(g)[command as keyof SignalsItem]) })
  }
  if (command === "enabled") {
    const on = parseBoolean(value)
    if (on === undefined) return Either.left(`signals.enabled: ${JSON.stringify(value)} is not a boolean (true/yes/false/no or a number)`)
    return write(Effect.as(g.setEnabled(on), on ? "signals running" : "signals paused: every generated value holds"))
  }
  if (command === "resume") {
    const which = value.trim()
    const all = which === "" || which === "*" || /^(all|true|yes)$/i.test(which)
    if (!all) {
      const w = which.toLowerCase().replace(/\s+/g, "")
      const known = g.signals.some((s) => {
        const t = s.target.toLowerCase()
        return t === w || t.split("[")[0] === w || w.startsWith(`${t.split("[")[0]}[`)
      })
      if (!known) return Either.left(`signals.resume: no signal generates ${JSON.stringify(which)} (all, or one of ${g.signals.map((s) => s.target).join(", ")})`)
    }
    return write(Effect.map(g.resume(all ? undefined : which), (n) => (n === 0 ? "signals.resume: nothing was overridden" : `signals.resume: ${n} element${n === 1 ? "" : "s"} generated again`)))
  }
  return Either.left(`signals has no command ${command} (${SIGNALS_COMMANDS.join(", ")})`)
}

export const replayItem = (r: ReplayService): Effect.Effect<ReplayItem> =>
  Effect.map(r.state, (st) => ({
    position: st.position.toString(),
    offset: Math.round(st.position.minus(st.begin) * 1000) / 1000,
    speed: st.speed,
    paused: st.paused,
    loop: st.loop,
    begin: st.begin.toString(),
    end: st.end.toString(),
    finished: st.finished,
    applied: st.applied,
    skipped: st.skipped,
    loops: st.loops,
    files: [...st.files]
  }))

/** Plan a command on `options/replay`. */
export const planReplay = (r: ReplayService, command: string, value: string | undefined): Either.Either<ItemStep, string> => {
  if (value === undefined) {
    if (!(REPLAY_FIELDS as ReadonlyArray<string>).includes(command)) return Either.left(`replay has no field ${command} (${REPLAY_FIELDS.join(", ")})`)
    return Either.right({ _tag: "Read", value: Effect.map(replayItem(r), (item) => item[command as keyof ReplayItem]) })
  }
  switch (command) {
    case "paused": {
      const p = parseBoolean(value)
      if (p === undefined) return Either.left(`replay.paused: ${JSON.stringify(value)} is not a boolean (true/yes/false/no or a number)`)
      return write(Effect.as(r.setPaused(p), p ? "replay paused" : "replay playing"))
    }
    case "speed": {
      const x = parseNumber(value)
      if (x === undefined || !Number.isFinite(x) || x <= 0) return Either.left(`replay.speed: ${JSON.stringify(value)} is not a number above 0`)
      return write(Effect.as(r.setSpeed(x), `replay.speed = ${x}`))
    }
    case "seek":
      return Either.flatMap(Either.mapLeft(parseReplayTime(value), (e) => `replay.seek: ${e}`), (target) =>
        write(Effect.flatMap(r.state, (st) => {
          const to = target(st.position, st.begin)
          if (to.micros < st.begin.micros || to.micros > st.end.micros) {
            return Effect.fail(`replay.seek: ${to.toString()} is outside the replay, ${st.begin.toString()} to ${st.end.toString()}`)
          }
          return Effect.as(r.seek(to), `replay.seek: at ${to.toString()}`)
        })))
    default:
      return Either.left(`replay has no command ${command} (${REPLAY_COMMANDS.join(", ")})`)
  }
}
