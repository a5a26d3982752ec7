/**
 * Property-test run counts for the device and server tests: the full count in `npm test`; capped
 * under mutation testing (vitest.mutate.*.config.ts set CPPPO_MAX_PROPERTY_RUNS), the same cap as
 * test/propertyRuns.ts, where each covered test runs once per mutant and the first counterexample
 * is all a mutant needs.
 */
import { runs } from "./propertyRuns.js"

export const numRuns = (full: number): number => runs(full).numRuns
