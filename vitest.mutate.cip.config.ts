/**
 * The tests Stryker runs against each src/cip mutant (the `cip` row of scripts/mutate-folders.mjs):
 * vitest.mutate.config.ts's test set, run in one worker without isolation. Most src/cip code sits
 * under every decoder test (a path or request decoder runs for each vector and property case), so
 * a mutant re-runs most of test/cip, and re-importing effect and fast-check per test file was most
 * of that time (the initial run: 15 s with isolation, 5 s without). test/cip/freshModules.ts
 * still gives each test file fresh project modules (vi.resetModules): no cached result outlives
 * the mutant it was computed under, and module-level initialisers see the mutant switched on.
 *
 * A run narrowed to some files (`npm run mutate -- cip --mutate src/cip/layout.ts`; scripts/mutate.mjs
 * passes the files in CPPPO_MUTATE_FILES) keeps only the test files that import one of them,
 * directly or through other modules (test helpers and src alike): a test file that never loads a
 * module cannot notice its mutants. That matters for "static" mutants (code run while modules load,
 * such as the tables of status.ts or the STRING layout), which Stryker runs against every test of
 * the set: for layout.ts, 5 test files of 25 instead of all.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import path from "node:path"
import { defineConfig, mergeConfig } from "vitest/config"
import base from "./vitest.mutate.config.js"

const imports = /(?:from|import)\s*\(?\s*["']([^"']+)["']/g

/** Project files a module imports (relative specifiers and the `cpppo` alias). */
const importsOf = (file: string): Array<string> => {
  const out: Array<string> = []
  for (const m of readFileSync(file, "utf8").matchAll(imports)) {
    const spec = m[1]!
    const target = spec === "cpppo" ? path.resolve("src/index.ts")
      : spec.startsWith(".") ? path.resolve(path.dirname(file), spec).replace(/\.js$/, ".ts")
      : undefined
    if (target !== undefined && existsSync(target)) out.push(target)
  }
  return out
}

const reaches = (file: string, targets: ReadonlySet<string>, seen: Set<string>): boolean => {
  if (targets.has(file)) return true
  if (seen.has(file)) return false
  seen.add(file)
  return importsOf(file).some((d) => reaches(d, targets, seen))
}

/** The test files of test/cip that load one of `files`, or undefined to keep the whole set. */
const testsLoading = (files: string | undefined): Array<string> | undefined => {
  if (files === undefined || files === "") return undefined
  const targets = files.split(",").map((f) => f.replace(/:.*$/, ""))
  if (targets.some((f) => /[*?{}[\]!]/.test(f) || !f.endsWith(".ts"))) return undefined
  const wanted = new Set(targets.map((f) => path.resolve(f)))
  return readdirSync("test/cip").filter((f) => f.endsWith(".test.ts"))
    .filter((f) => reaches(path.resolve("test/cip", f), wanted, new Set()))
    .map((f) => `test/cip/${f}`)
}

const narrowed = testsLoading(process.env["CPPPO_MUTATE_FILES"])

const config = mergeConfig(base, defineConfig({
  test: {
    setupFiles: ["./test/cip/freshModules.ts"],
    isolate: false,
    poolOptions: { threads: { isolate: false } }
  }
}))
// Replaced, not merged: mergeConfig would append to the base's `include`.
if (narrowed !== undefined) config.test = { ...config.test, include: narrowed }

export default config
