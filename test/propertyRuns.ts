/**
 * Run counts for fast-check properties. `npm test` runs the full count; mutation runs
 * (vitest.mutate.config.ts sets CPPPO_MAX_PROPERTY_RUNS) cap it, because Stryker re-runs the
 * covering tests once per mutant and a property's thousands of runs would dominate that time.
 * A cap still leaves each property tens of random cases per mutant, on top of the example tests.
 */
export const runs = (numRuns: number): { numRuns: number } => {
  const cap = Number(process.env["CPPPO_MAX_PROPERTY_RUNS"])
  return { numRuns: Number.isInteger(cap) && cap > 0 ? Math.min(numRuns, cap) : numRuns }
}
