/**
 * REGEX: the CSV grammar as a regular expression, compiled (with refa) to a table-driven machine.
 * Unlike CSV it keeps the separators in what it collects.
 *
 * Run: `npx tsx examples/dfa/regex.ts`
 */
import { Either } from "effect"
import { Dfa } from "cpppo"
import { show } from "./show.js"

export const regexMachine = () => Dfa.regex("(ab+)((,[ ]*)(ab+))*", { context: "regex", terminal: true })

if (import.meta.url === `file://${process.argv[1]}`) {
  Either.match(regexMachine(), {
    onLeft: (e) => console.error(`bad pattern at ${e.position}: ${e.message}`),
    onRight: (m) => show("REGEX", m, "abbbb, ab")
  })
}
