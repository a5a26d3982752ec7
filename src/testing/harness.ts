/**
 * The scripted, fiber-based test harness: run scripts (each on its own client fiber, all at once)
 * against a simulator in the current context, inject faults through its control services, and
 * collect a report of what every script saw. `runAgainstSimulator` starts an in-process simulator
 * on port 0 for the duration.
 *
 * ```ts
 * const report = yield* runAgainstSimulator(["SCADA=INT[100]"], [
 *   { name: "hmi", steps: [step.write("SCADA[0]", [42]), step.read("SCADA[0]", [42])] }
 * ])
 * ```
 */
import { Duration, Effect, Either, Exit, Scope } from "effect"
import type { CipValue } from "../cip/types.js"
import { Client, type ClientService, OperationFailed } from "../client/client.js"
import { ConnectionRegistry, sessionKey } from "../server/registry.js"
import { EnipServer, ServerControl, SimulatorLive, TagStore, type SimulatorConfig } from "../server/simulator.js"
import type { Expectation, Fault, HarnessReport, Script, ScriptReport, Step, StepReport } from "./script.js"

/** The services the harness drives: the simulator's address and its fault knobs. */
export type HarnessContext = EnipServer | ServerControl | TagStore | ConnectionRegistry

const show = (v: ReadonlyArray<CipValue>) => `[${v.map((x) => (typeof x === "string" ? JSON.stringify(x) : String(x))).join(", ")}]`

const sameValue = (a: CipValue, b: CipValue): boolean => {
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) && Number.isNaN(b)) return true
    return a === b || Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b))
  }
  if (typeof a === "bigint" || typeof b === "bigint") {
    try { return BigInt(a as never) === BigInt(b as never) } catch { return false }
  }
  return a === b
}

const describeStep = (s: Step): string => {
  switch (s._tag) {
    case "Read": return `read ${s.tag}`
    case "Write": return `write ${s.tag}=${s.type ? `(${s.type})` : ""}${s.values.join(",")}`
    case "Pause": return `pause ${Duration.format(Duration.decode(s.duration))}`
    case "Fault": return `fault ${s.fault._tag}${"tag" in s.fault ? ` ${s.fault.tag}` : ""}${s.fault._tag === "Delay" ? ` ${s.fault.seconds}s` : ""}${s.fault._tag === "Eof" && s.fault.which === "own" ? " (own session)" : ""}`
    case "Reconnect": return "reconnect"
    case "Check": return `check ${s.name}`
  }
}

/**
 * Apply a fault through the simulator's services. `own` is the injecting script's session (its
 * local address), which `eof("own")` drops.
 */
export const applyFault = (f: Fault, own?: { readonly address: string; readonly port: number }): Effect.Effect<void, unknown, HarnessContext> =>
  Effect.gen(function* () {
    const control = yield* ServerControl
    switch (f._tag) {
      case "Delay": return yield* control.setDelay(f.seconds)
      case "Disable": return yield* control.setDisabled(true)
      case "Enable": return yield* control.setDisabled(false)
      case "Eof": {
        const registry = yield* ConnectionRegistry
        if (f.which !== "own") { yield* registry.dropAll; return }
        if (own === undefined) return yield* Effect.fail("eof(\"own\"): the script has no session")
        const dropped = yield* registry.setEof(sessionKey(own.address.replace(/^::ffff:/, ""), own.port))
        if (!dropped) return yield* Effect.fail(`eof("own"): no session from ${own.address}:${own.port}`)
        return
      }
      case "ForceError": {
        const store = yield* TagStore
        return yield* store.setError(f.tag, { status: f.status, ...(f.extStatus ? { extStatus: f.extStatus } : {}) })
      }
      case "ClearError": { const store = yield* TagStore; return yield* store.setError(f.tag, undefined) }
    }
  })

/** Judge a read/write outcome against its expectation. */
const judge = (
  expect: Expectation | undefined,
  outcome: Either.Either<ReadonlyArray<CipValue> | undefined, OperationFailed>
): { ok: boolean; detail?: string; status?: number; values?: ReadonlyArray<CipValue> } => {
  if (Either.isLeft(outcome)) {
    const r = outcome.left.result
    const noReply = r.error !== undefined
    const ok = noReply ? expect?.noReply === true : expect?.status !== undefined && expect.status === r.status && expect.noReply !== true
    return { ok, status: r.status, ...(ok ? {} : { detail: `got ${outcome.left.message}` }) }
  }
  const values = outcome.right
  if (expect?.noReply === true) return { ok: false, detail: "expected no reply, got one", status: 0 }
  if (expect?.status !== undefined && expect.status !== 0) return { ok: false, detail: `expected status ${expect.status}, got success`, status: 0 }
  const want = expect?.values
  const base = { status: 0, ...(values !== undefined ? { values } : {}) }
  if (want === undefined || values === undefined) return { ok: true, ...base }
  if (typeof want === "function") {
    const ok = want(values)
    return { ok, ...base, ...(ok ? {} : { detail: `values ${show(values)} rejected by the predicate` }) }
  }
  const ok = want.length === values.length && want.every((w, i) => sameValue(w, values[i]!))
  return { ok, ...base, ...(ok ? {} : { detail: `expected ${show(want)}, got ${show(values)}` }) }
}

/** Run one script on its own session; never fails (problems are in the report). */
export const runScript = (script: Script): Effect.Effect<ScriptReport, never, HarnessContext> =>
  Effect.gen(function* () {
    const { address } = yield* EnipServer
    const started = Date.now()
    const reports: Array<StepReport> = []
    let scope = yield* Scope.make()
    const open = (s: Scope.Scope) =>
      Effect.either(Scope.extend(Client.connect({ ...script.client, host: address.host === "0.0.0.0" ? "127.0.0.1" : address.host, port: address.port }), s))
    let client: Either.Either<ClientService, { message: string }> = yield* open(scope)
    const record = (index: number, s: Step, r: Omit<StepReport, "index" | "description" | "at">) =>
      reports.push({ index, description: describeStep(s), at: Date.now() - started, ...r })
    const steps = script.steps
    const times = Math.max(1, script.repeat ?? 1)
    for (let round = 0; round < times; round++) {
      for (let i = 0; i < steps.length; i++) {
        const s = steps[i]!
        const index = round * steps.length + i
        switch (s._tag) {
          case "Pause": yield* Effect.sleep(s.duration); record(index, s, { ok: true }); break
          case "Fault": {
            const r = yield* Effect.either(applyFault(s.fault, Either.isRight(client) ? client.right.session.local : undefined))
            record(index, s, Either.isRight(r) ? { ok: true } : { ok: false, detail: String(r.left) })
            break
          }
          case "Reconnect": {
            yield* Scope.close(scope, Exit.void)
            scope = yield* Scope.make()
            client = yield* open(scope)
            record(index, s, Either.isRight(client) ? { ok: true } : { ok: false, detail: client.left.message })
            break
          }
          default: {
            if (Either.isLeft(client)) { record(index, s, { ok: false, detail: `not connected: ${client.left.message}` }); break }
            const c = client.right
            if (s._tag === "Check") {
              const r = yield* Effect.either(Effect.suspend(() => s.run(c)))
              record(index, s, Either.isRight(r) && r.right !== false ? { ok: true } : { ok: false, detail: Either.isLeft(r) ? String(r.left) : "returned false" })
              break
            }
            const outcome = s._tag === "Read"
              ? yield* Effect.either(c.read(s.tag).pipe(Effect.map((v) => (v instanceof Uint8Array ? Array.from(v) : v))))
              : yield* Effect.either(c.write(s.tag, s.values, s.type).pipe(Effect.as(undefined)))
            if (Either.isLeft(outcome) && outcome.left._tag === "OperationParseError") {
              record(index, s, { ok: false, detail: outcome.left.message })
              break
            }
            const verdict = judge(s.expect, outcome as Either.Either<ReadonlyArray<CipValue> | undefined, OperationFailed>)
            record(index, s, verdict)
          }
        }
      }
    }
    yield* Scope.close(scope, Exit.void)
    return { name: script.name, ok: reports.every((r) => r.ok), steps: reports }
  })

/** Run every script concurrently, each on its own client fiber and session. */
export const runHarness = (scripts: ReadonlyArray<Script>): Effect.Effect<HarnessReport, never, HarnessContext> =>
  Effect.map(Effect.forEach(scripts, runScript, { concurrency: "unbounded" }), (reports) => ({
    ok: reports.every((r) => r.ok),
    scripts: reports
  }))

/** A simulator on 127.0.0.1, port 0, for harness runs (override anything in `config`). */
export const harnessSimulator = (tags: ReadonlyArray<string>, config: Partial<SimulatorConfig> = {}) =>
  SimulatorLive({ host: "127.0.0.1", port: 0, udp: false, ...config, tags })

/** Start a simulator with `tags`, run the scripts against it, stop it, return the report. */
export const runAgainstSimulator = (
  tags: ReadonlyArray<string>,
  scripts: ReadonlyArray<Script>,
  config: Partial<SimulatorConfig> = {}
) => runHarness(scripts).pipe(Effect.provide(harnessSimulator(tags, config)))

/** The report as text: one line per step, `✓`/`✗`, with details of failures. */
export const formatReport = (report: HarnessReport): string => {
  const lines: Array<string> = []
  for (const s of report.scripts) {
    lines.push(`${s.ok ? "✓" : "✗"} ${s.name}`)
    for (const r of s.steps) {
      const vals = r.values !== undefined ? ` → ${show(r.values)}` : ""
      lines.push(`    ${r.ok ? "✓" : "✗"} ${String(r.at).padStart(6)}ms ${r.description}${vals}${r.detail !== undefined ? `  (${r.detail})` : ""}`)
    }
  }
  lines.push(report.ok ? "all scripts passed" : `${report.scripts.filter((s) => !s.ok).length} of ${report.scripts.length} scripts failed`)
  return lines.join("\n")
}

