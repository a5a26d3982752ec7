/**
 * The order generated elements are computed in (src/signals/order.ts), without an engine: each
 * element after those it reads, each once; references to elements nobody generates ignored; and a
 * cycle reported with only the elements around it, from the reference that closes it.
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { type Node, orderSlots } from "../../src/signals/order.js"

/** Nodes named by label, each reading the labels given (at positions 10, 20, …). */
const graph = (edges: Record<string, ReadonlyArray<string>>) => {
  const nodes: Array<Node> = Object.entries(edges).map(([label, reads]) => ({
    key: label.toLowerCase(),
    label,
    compiled: { evaluate: () => 0, kind: "number", refs: reads.map((r, i) => ({ key: r.toLowerCase(), pos: 10 * (i + 1) })) }
  }))
  return { nodes, byKey: new Map(nodes.map((n) => [n.key, n])) }
}
const order = (edges: Record<string, ReadonlyArray<string>>) => {
  const { nodes, byKey } = graph(edges)
  return Either.map(orderSlots(nodes, byKey), (out) => out.map((n) => n.label))
}

describe("orderSlots", () => {
  it("each element after what it reads, each exactly once", () => {
    expect(order({ B: ["A"], A: [] })).toEqual(Either.right(["A", "B"]))
    // A diamond: D reads B and C, both read A.
    expect(order({ D: ["B", "C"], C: ["A"], B: ["A"], A: [] })).toEqual(Either.right(["A", "B", "C", "D"]))
    expect(order({ A: [], B: [], C: ["B", "B"] })).toEqual(Either.right(["A", "B", "C"]))
  })

  it("references to elements nobody generates are not in the order", () => {
    expect(order({ A: ["Stored", "B"], B: ["Other"] })).toEqual(Either.right(["B", "A"]))
  })

  it("a cycle: the elements around it only, from the one whose reference closes it, with that position", () => {
    const { nodes, byKey } = graph({ X: ["A"], A: ["B"], B: ["C"], C: ["A"] })
    const r = orderSlots(nodes, byKey)
    if (Either.isRight(r)) throw new Error("expected a cycle")
    expect(r.left.cycle).toEqual(["C", "A", "B", "C"])
    expect(r.left.slot.label).toBe("C")
    expect(r.left.pos).toBe(10)
    expect(order({ A: ["B", "A"], B: [] })).toMatchObject({ left: { cycle: ["A", "A"], pos: 20 } })
  })

  it("a chain of 20,000 references (deeper than a recursive walk could go) does not exhaust the stack", () => {
    const edges: Record<string, Array<string>> = {}
    for (let i = 0; i < 20_000; i++) edges[`N${i}`] = i + 1 < 20_000 ? [`N${i + 1}`] : []
    const r = order(edges)
    expect(Either.isRight(r) && [r.right.length, r.right[0], r.right[19_999]]).toEqual([20_000, "N19999", "N0"])
  })
})
