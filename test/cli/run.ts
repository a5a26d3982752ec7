/**
 * Test helper: the `cpppo` CLI as a user runs it — the real binary, `node dist/cli/bin.js` (see
 * cpppo.ts) — with its stdout lines, stderr, exit status, and a wait for a stdout line.
 */
import { type Running, start } from "./cpppo.js"

export { ROOT } from "./cpppo.js"

export type Run = Running

/** Run `cpppo ARGS…`. */
export const runCli = (args: ReadonlyArray<string>): Run => start(args)
