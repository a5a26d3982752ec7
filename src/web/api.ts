/**
 * Answering one API request: match groups and items, validate the command on every matched item
 * (all or nothing), run it, then report the data as it is afterwards.
 */
import { Effect, Either } from "effect"
import { type ApiServices, GROUPS, type Group, type ReadValue, type Step } from "./groups.js"
import type { ApiReply, CommandResult, ControllerItem } from "./reply.js"
import { compileGlob, type Glob, isGlob } from "./glob.js"
import { type ApiPath, parseCommand } from "./request.js"

/** The reply, and the HTTP status to send it with (400 for a bad request). */
export interface ApiAnswer {
  readonly reply: ApiReply
  readonly status: number
}

const now = () => Date.now() / 1000

/** Alarms: conditions a person watching the simulator should notice. */
const alarms = (s: ApiServices): Array<string> => {
  const out: Array<string> = []
  const st = s.control.unsafeState()
  if (st.disabled) out.push("server disabled: the EtherNet/IP port is closed")
  if (st.done) out.push("server done: exiting")
  for (const t of s.tags.tags) if (t.error !== undefined) out.push(`tag ${t.name}: forced error status ${t.error.status}`)
  if (s.history !== undefined) {
    const h = s.history.unsafeStats()
    if (h.writer.failing !== undefined) out.push(`history: cannot write the file (${h.writer.failing}); ${h.writer.pending} records waiting`)
    const lost = h.overflowed + h.writer.dropped
    if (lost > 0) out.push(`history: ${lost} events not recorded`)
  }
  return out
}

/** The data of the matched groups and items, as they are now. */
export const collectData = (s: ApiServices, groups: ReadonlyArray<Group<object>>, re: Glob) =>
  Effect.gen(function* () {
    const data: Record<string, Record<string, object>> = {}
    for (const g of groups) {
      const items: Record<string, object> = {}
      for (const key of g.keys(s)) {
        if (!re.test(key)) continue
        // An item that vanished meanwhile (a connection closing) is left out, not an error.
        const item = yield* Effect.either(g.item(s, key))
        if (Either.isRight(item)) items[key] = item.right
      }
      data[g.name] = items
    }
    return data as ApiReply["data"]
  })

/** Plan the command on every matched (group, item); Left if any of them is invalid. */
const planAll = (s: ApiServices, path: ApiPath, groups: ReadonlyArray<Group<object>>, re: Glob, command: string) =>
  Either.gen(function* () {
    const c = yield* parseCommand(command)
    const steps: Array<{ readonly key: string; readonly step: Step }> = []
    let applicable = 0
    for (const g of groups) {
      const known = path.value !== undefined ? g.commands : g.fields
      if (!known.includes(c.name)) {
        if (!isGlob(path.group)) {
          return yield* Either.left(`${g.name}: unknown ${path.value !== undefined ? "command" : "field"} ${JSON.stringify(c.name)} (one of ${known.join(", ")})`)
        }
        continue
      }
      applicable++
      const before = steps.length
      for (const key of g.keys(s)) {
        if (!re.test(key)) continue
        steps.push({ key, step: yield* g.plan(s, key, c, path.value) })
      }
      if (steps.length === before && path.value !== undefined && g.checkValue !== undefined) yield* g.checkValue(c, path.value)
    }
    if (applicable === 0) return yield* Either.left(`no group ${JSON.stringify(path.group)} has a command ${JSON.stringify(c.name)}`)
    if (steps.length === 0 && !isGlob(path.match)) return yield* Either.left(`nothing matches ${JSON.stringify(path.match)} in ${path.group}`)
    return steps
  })

/** Run the planned steps in order; a failing write stops there and reports what was done. */
const runSteps = (steps: ReadonlyArray<{ readonly key: string; readonly step: Step }>, command: string) =>
  Effect.gen(function* () {
    const messages: Array<string> = []
    const values: Record<string, ReadValue> = {}
    let reads = 0
    for (const { key, step } of steps) {
      if (step._tag === "Read") {
        const v = yield* Effect.either(step.value)
        if (Either.isLeft(v)) return { success: false, message: [...messages, v.left].join("; ") } satisfies CommandResult
        values[key] = v.right
        messages.push(`${key}.${command} == ${JSON.stringify(v.right)}`)
        reads++
      } else {
        const m = yield* Effect.either(step.run)
        if (Either.isLeft(m)) return { success: false, message: [...messages, m.left].join("; ") } satisfies CommandResult
        messages.push(m.right)
      }
    }
    if (steps.length === 0) return { success: true, message: "nothing matched: no change" } satisfies CommandResult
    return (reads > 0 ? { success: true, message: messages.join("; "), value: values } : { success: true, message: messages.join("; ") }) satisfies CommandResult
  })

/** One controller the API answers for. */
export interface ApiTarget {
  readonly name: string
  readonly s: ApiServices
  /** Its row in the fleet-wide `controllers` group. */
  readonly item?: () => ControllerItem
}

/** The read-only fleet group: one item per controller. */
const CONTROLLER_FIELDS = ["address", "state", "sessions", "requests", "tags", "product", "serial", "delay", "errors"] as const

/** The alarms of the controllers an API answers for: each prefixed with its controller's name when there are several. */
export const alarmsOf = (targets: ReadonlyArray<ApiTarget>): Array<string> => {
  const many = targets.length !== 1
  return targets.flatMap((t) => alarms(t.s).map((a) => (many ? `${t.name}: ${a}` : a)))
}

/**
 * Answer a parsed API path for several controllers at once (a fleet's `/api`): the command is
 * validated on every matched item of every controller before any runs (all or nothing), and
 * items are keyed `controller/item`. With one target the reply is exactly that controller's
 * (items unprefixed), so a single simulator and a fleet answer through this one function.
 */
export const answerMany = (targets: ReadonlyArray<ApiTarget>, path: ApiPath, since: number | null): Effect.Effect<ApiAnswer> =>
  Effect.gen(function* () {
    const many = targets.length !== 1
    const label = (t: ApiTarget, text: string) => (many ? `${t.name}: ${text}` : text)
    const alarm = alarmsOf(targets)
    const bad = (message: string): ApiAnswer => ({ reply: { alarm, command: { success: false, message }, data: {}, since, until: now() }, status: 400 })
    // A malformed or over-long glob is refused like any other bad request.
    const groupRe = compileGlob(path.group)
    if (Either.isLeft(groupRe)) return bad(groupRe.left)
    const matchRe = compileGlob(path.match)
    if (Either.isLeft(matchRe)) return bad(matchRe.left)
    const re = matchRe.right
    const groups = GROUPS.filter((g) => groupRe.right.test(g.name))
    const fleetGroup = groupRe.right.test("controllers") && targets.every((t) => t.item !== undefined)
    if (groups.length === 0 && !fleetGroup) {
      return bad(`unknown group ${JSON.stringify(path.group)} (one of ${[...GROUPS.map((g) => g.name), ...(fleetGroup || targets.every((t) => t.item !== undefined) ? ["controllers"] : [])].join(", ")})`)
    }
    const rows = fleetGroup ? targets.filter((t) => re.test(t.name)).map((t) => [t.name, t.item!()] as const) : []
    let command: ApiReply["command"] = null
    if (path.command !== undefined && groups.length === 0) {
      // The controllers group is read-only: a field read gives each controller's value.
      const c = parseCommand(path.command)
      if (Either.isLeft(c) || path.value !== undefined || !(CONTROLLER_FIELDS as ReadonlyArray<string>).includes(c.right.name)) {
        return bad(`controllers: read-only; fields ${CONTROLLER_FIELDS.join(", ")} (change a controller through its groups, e.g. /api/server/control/disable=true or /NAME/api/…)`)
      }
      const name = c.right.name as (typeof CONTROLLER_FIELDS)[number]
      const value = Object.fromEntries(rows.map(([n, item]) => [n, item[name]]))
      command = { success: true, message: rows.map(([n, item]) => `${n}.${name} == ${JSON.stringify(item[name])}`).join("; ") || "nothing matched", value }
    } else if (path.command !== undefined) {
      const plans: Array<{ readonly t: ApiTarget; readonly steps: ReadonlyArray<{ readonly key: string; readonly step: Step }> }> = []
      for (const t of targets) {
        const planned = planAll(t.s, path, groups, re, path.command)
        if (Either.isLeft(planned)) {
          // A literal item absent from some controllers of a fleet is not an error for the rest.
          if (many && planned.left.startsWith("nothing matches")) continue
          return bad(label(t, planned.left))
        }
        plans.push({ t, steps: planned.right })
      }
      if (many && plans.length === 0 && !isGlob(path.match)) return bad(`nothing matches ${JSON.stringify(path.match)} in ${path.group} on any controller`)
      const results: Array<CommandResult> = []
      for (const { t, steps } of plans) {
        const r = yield* runSteps(steps, path.command)
        results.push(many ? { ...r, message: label(t, r.message), ...(r.value ? { value: prefixKeys(t.name, r.value) } : {}) } : r)
        if (!r.success) break
      }
      command = results.length === 1 ? results[0]! : {
        success: results.every((r) => r.success),
        message: results.map((r) => r.message).join("; ") || "nothing matched: no change",
        ...(results.some((r) => r.value) ? { value: Object.assign({}, ...results.map((r) => r.value ?? {})) } : {})
      }
    }
    const data: Record<string, Record<string, object>> = {}
    for (const t of targets) {
      const d = yield* collectData(t.s, groups, re)
      for (const [g, items] of Object.entries(d)) data[g] = { ...data[g], ...(many ? prefixKeys(t.name, items as Record<string, object>) : items) }
    }
    for (const g of groups) data[g.name] ??= {}
    if (fleetGroup) data["controllers"] = Object.fromEntries(rows)
    return { reply: { alarm: alarmsOf(targets), command, data: data as ApiReply["data"], since, until: now() }, status: 200 }
  })

const prefixKeys = <V>(name: string, items: Record<string, V>): Record<string, V> =>
  Object.fromEntries(Object.entries(items).map(([k, v]) => [`${name}/${k}`, v]))

/** Answer a parsed API path against one controller's live services. */
export const answer = (s: ApiServices, path: ApiPath, since: number | null): Effect.Effect<ApiAnswer> =>
  answerMany([{ name: "", s }], path, since)

/**
 * A reply for a request refused before it was looked at (bad path, missing token, another
 * site's command), with the alarms of the controller or controllers it was for (an empty list:
 * none).
 */
export const refusal = (scope: ApiServices | ReadonlyArray<ApiTarget>, message: string, since: number | null): ApiReply => ({
  alarm: Array.isArray(scope) ? alarmsOf(scope as ReadonlyArray<ApiTarget>) : alarms(scope as ApiServices),
  command: { success: false, message },
  data: {},
  since,
  until: now()
})
