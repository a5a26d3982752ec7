/**
 * Runs a machine over an input with tracing and prints, per transition, the machine, the step
 * number, the next symbol and the data collected so far; then what was accepted and what remains.
 */
import { Either } from "effect"
import { Dfa } from "cpppo"

const sym = (s: number): string => (s < 0 ? "(none)" : JSON.stringify(String.fromCodePoint(s)))

/** Prints the trace of `machine` over `input` and returns the printed lines. */
export const show = (title: string, machine: Dfa.State, input: string): ReadonlyArray<string> => {
  const lines: Array<string> = [`== ${title} on ${JSON.stringify(input)}`]
  const source = Dfa.Source.of(input)
  const data: Dfa.Data = {}
  const gen = Dfa.trace(machine, source, data)
  let step = 0
  let r = gen.next()
  while (!r.done) {
    const { machine: m, state } = r.value
    lines.push(
      `${String(step++).padStart(3)}  ${String(m?.name ?? "").padEnd(24)} ${String(state ?? "(waits)").padEnd(10)} next ${sym(source.peek()).padEnd(7)} ${JSON.stringify(data)}`
    )
    r = gen.next()
  }
  const result = r.value
  lines.push(
    Either.isRight(result)
      ? `accepted ${result.right.consumed} symbols (terminal: ${result.right.terminal}): ${JSON.stringify(result.right.data)}`
      : `NonTerminal after ${result.left.consumed} symbols: ${result.left.message}`
  )
  lines.push(`remaining ${JSON.stringify(source.remaining())}`)
  for (const l of lines) console.log(l)
  return lines
}
