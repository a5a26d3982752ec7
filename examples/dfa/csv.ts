/**
 * CSV: the `ab+` machine composed with a separator. When `ab+` cannot take ',' (and is terminal)
 * the outer machine's own transition on ',' leads to SEP, which drops ',' and ' '; an epsilon
 * transition goes back into `ab+` for the next value.
 *
 * Run: `npx tsx examples/dfa/csv.ts`
 */
import { Dfa } from "cpppo"
import { abPlus } from "./basic.js"
import { show } from "./show.js"

export const csvMachine = (): Dfa.Dfa => {
  const ab = abPlus({ terminal: true })
  const SEP = new Dfa.StateDrop("SEP")
  ab.on(",", SEP)
  SEP.on(" ", SEP)
  SEP.onEpsilon(ab)
  return new Dfa.Dfa("CSV", { initial: ab, context: "csv" })
}

if (import.meta.url === `file://${process.argv[1]}`) show("CSV", csvMachine(), "abbbb, ab")
