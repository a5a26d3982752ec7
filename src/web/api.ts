/**
 * Answering one API request: match groups and items, validate the command on every matched item
 * (all or nothing), run it, then report the data as it is afterwards.
 */
import { Effect, Either } from "effect"
import { type ApiServices, GROUPS, type Group, type ReadValue, type Step } from "./groups.js"
import type { ApiReply, CommandResult } from "./reply.js"
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

/** Answer a parsed API path against the live services. */
export const answer = (s: ApiServices, path: ApiPath, since: number | null): Effect.Effect<ApiAnswer> =>
  Effect.gen(function* () {
    const bad = (message: string): ApiAnswer => ({
      reply: { alarm: alarms(s), command: { success: false, message }, data: {}, since, until: now() },
      status: 400
    })
    // A malformed or over-long glob is refused like any other bad request.
    const groupRe = compileGlob(path.group)
    if (Either.isLeft(groupRe)) return bad(groupRe.left)
    const matchRe = compileGlob(path.match)
    if (Either.isLeft(matchRe)) return bad(matchRe.left)
    const groups = GROUPS.filter((g) => groupRe.right.test(g.name))
    if (groups.length === 0) return bad(`unknown group ${JSON.stringify(path.group)} (one of ${GROUPS.map((g) => g.name).join(", ")})`)
    let command: ApiReply["command"] = null
    if (path.command !== undefined) {
      const planned = planAll(s, path, groups, matchRe.right, path.command)
      if (Either.isLeft(planned)) return bad(planned.left)
      command = yield* runSteps(planned.right, path.command)
    }
    const data = yield* collectData(s, groups, matchRe.right)
    return { reply: { alarm: alarms(s), command, data, since, until: now() }, status: 200 }
  })

/** A reply for a request refused before it was looked at (bad path, missing token). */
export const refusal = (s: ApiServices, message: string, since: number | null): ApiReply => ({
  alarm: alarms(s),
  command: { success: false, message },
  data: {},
  since,
  until: now()
})
