/**
 * Recording fakes of the signal engine and of a replay, for the `options/signals` and
 * `options/replay` tests: each call a command makes is pushed onto `calls`.
 */
import { Effect } from "effect"
import { Timestamp } from "../../src/history/timestamp.js"
import type { ReplayService, ReplayState } from "../../src/replay/replay.js"
import type { SignalsService } from "../../src/signals/engine.js"

/** Two generators (SCADA[0-9], Level), running, two elements overridden. */
export const fakeSignals = () => {
  const calls: Array<string> = []
  let enabled = true
  const overridden = ["SCADA[3]", "Level"]
  const g: SignalsService = {
    signals: [{ target: "SCADA[0-9]", expression: "sin(t)", elements: 10 }, { target: "Level", expression: "t * 2", elements: 1 }],
    enabled: () => enabled,
    setEnabled: (on) => Effect.sync(() => { calls.push(`setEnabled ${on}`); enabled = on }),
    overridden: () => overridden,
    resume: (which) => Effect.sync(() => { calls.push(`resume ${which ?? "*"}`); return which === undefined ? 2 : which === "Level" ? 1 : 0 }),
    time: () => 12.34567,
    tick: Effect.void,
    start: Effect.void,
    stats: () => ({ ticks: 5, writes: 42, skipped: 0, lastTickMillis: 0 })
  }
  return { g, calls }
}

export const T0 = Timestamp.fromSeconds(1_400_000_000)
/** a.hst, one minute from T0, at T0 + 1.23456 s, looping. */
export const fakeReplay = () => {
  const calls: Array<string> = []
  let st: ReplayState = {
    files: ["a.hst"], position: T0.plus(1.23456), speed: 1, paused: false, loop: true, begin: T0, end: T0.plus(60),
    applied: 7, skipped: 1, loops: 2, finished: false
  }
  const r: ReplayService = {
    state: Effect.sync(() => st),
    setSpeed: (x) => Effect.sync(() => { calls.push(`setSpeed ${x}`); st = { ...st, speed: x } }),
    setPaused: (p) => Effect.sync(() => { calls.push(`setPaused ${p}`); st = { ...st, paused: p } }),
    seek: (t) => Effect.sync(() => { calls.push(`seek ${t.toString()}`); st = { ...st, position: t } }),
    start: Effect.void
  }
  return { r, calls }
}
