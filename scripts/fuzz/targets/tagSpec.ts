/**
 * Target `tag-spec`: tag specs as given on the command line (`NAME[@cls/ins/att]=TYPE[n]`, one
 * a line) parsed one by one and as a whole store. Contract: a TagSpecError or a spec, never a
 * throw; a parsed spec prints (formatTagSpec) to text that parses to the same spec; a store is
 * built or refused with a TagSpecError, and every tag it holds reads back zeros.
 */
import { Effect, Either, Exit } from "effect"
import { formatTagSpec, parseTagSpec, type TagSpec } from "../../../src/tags/spec.js"
import { makeTagStore } from "../../../src/tags/tagStore.js"
import { broken, roundTrip } from "./contract.js"

export const fuzz = (data: Buffer): void => {
  const lines = data.toString("latin1").split("\n").slice(0, 8)
  const specs: Array<TagSpec> = []
  for (const line of lines) {
    const s = parseTagSpec(line)
    if (Either.isLeft(s)) {
      if (s.left._tag !== "TagSpecError") broken(`parseTagSpec failed with ${String(s.left)}`)
      continue
    }
    const back = parseTagSpec(formatTagSpec(s.right))
    if (Either.isLeft(back)) broken(`${JSON.stringify(formatTagSpec(s.right))} (printed from ${JSON.stringify(line)}) does not parse: ${back.left.message}`)
    roundTrip("tag spec", s.right, (back as Either.Right<never, TagSpec>).right)
    // Keep stores small: the fuzzer is not here to allocate 16M-element tags.
    if (s.right.count <= 4096) specs.push(s.right)
  }
  const exit = Effect.runSyncExit(makeTagStore(lines.filter((l) => {
    const s = parseTagSpec(l)
    return Either.isRight(s) && s.right.count <= 4096
  }), { eventCapacity: 1 }))
  if (Exit.isFailure(exit)) {
    const e = exit.cause._tag === "Fail" ? (exit.cause.error as { _tag?: string })._tag : undefined
    if (e !== "TagSpecError") broken(`makeTagStore died: ${String(exit.cause)}`)
    return
  }
  for (const tag of exit.value.tags) {
    const b = exit.value.readBytes(tag, 0, tag.count)
    if (!(b instanceof Uint8Array) || b.some((x) => x !== 0)) broken(`new tag ${tag.name} does not read back zeros`)
  }
  void specs
}
