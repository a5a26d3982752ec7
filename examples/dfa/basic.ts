/**
 * BASIC: the README's `ab+` machine from three states. E consumes nothing and moves to A on 'a';
 * A collects the 'a' and moves to B on 'b'; B collects each 'b' and is terminal.
 *
 * Run: `npx tsx examples/dfa/basic.ts`
 */
import { Dfa } from "cpppo"
import { show } from "./show.js"

/** The `ab+` machine; `terminal` makes the Dfa itself accept when B does. */
export const abPlus = (options: { readonly context?: string; readonly terminal?: boolean } = {}): Dfa.Dfa => {
  const E = new Dfa.State("E")
  const A = new Dfa.StateInput("A")
  const B = new Dfa.StateInput("B", { terminal: true })
  E.on("a", A)
  A.on("b", B)
  B.on("b", B)
  return new Dfa.Dfa("ab+", { initial: E, terminal: options.terminal ?? false, ...(options.context === undefined ? {} : { context: options.context }) })
}

if (import.meta.url === `file://${process.argv[1]}`) show("BASIC", abPlus({ context: "basic" }), "abbbb, ab")
