/**
 * Property-test run counts: the full count in `npm test`; a few dozen under mutation testing
 * (vitest.mutate.*.config.ts set CPPPO_MUTATE), where each covered test runs once per mutant and
 * the first counterexample is all a mutant needs.
 */
export const numRuns = (full: number): number => (process.env["CPPPO_MUTATE"] ? Math.min(full, 50) : full)
