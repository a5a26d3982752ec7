/**
 * The order in which generated elements are computed: every element after the generated
 * elements its expression reads (a topological order), or the cycle that makes one impossible.
 */
import { Either } from "effect"
import type { Compiled } from "./compile.js"

/** What ordering needs of a generated element. */
export interface Node {
  readonly key: string
  /** How people write it: `Level`, `SCADA[3]`. */
  readonly label: string
  readonly compiled: Compiled | undefined
}

/** A cycle: the element where it was found, the position of the reference closing it, the path. */
export interface Cycle<N> {
  readonly slot: N
  readonly pos: number
  /** The elements around the cycle, the first repeated at the end: `A → B → A`. */
  readonly cycle: ReadonlyArray<string>
}

/** Depth-first, iteratively (a long chain of references must not exhaust the stack). */
export const orderSlots = <N extends Node>(slots: ReadonlyArray<N>, byKey: ReadonlyMap<string, N>): Either.Either<Array<N>, Cycle<N>> => {
  const state = new Map<N, 1 | 2>() // 1: on the current path, 2: done
  const out: Array<N> = []
  for (const root of slots) {
    if (state.has(root)) continue
    const stack: Array<{ node: N; next: number }> = [{ node: root, next: 0 }]
    state.set(root, 1)
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      const refs = top.node.compiled?.refs ?? []
      if (top.next >= refs.length) {
        state.set(top.node, 2)
        out.push(top.node)
        stack.pop()
        continue
      }
      const ref = refs[top.next++]!
      const dep = byKey.get(ref.key)
      if (dep === undefined || state.get(dep) === 2) continue
      if (state.get(dep) === 1) {
        const from = stack.findIndex((f) => f.node === dep)
        // Told from the element whose reference closes the cycle (its spec and position are reported).
        const around = [top.node, ...stack.slice(from, -1).map((f) => f.node)]
        const path = [...around.map((n) => n.label), top.node.label]
        return Either.left({ slot: top.node, pos: ref.pos, cycle: path })
      }
      state.set(dep, 1)
      stack.push({ node: dep, next: 0 })
    }
  }
  return Either.right(out)
}
