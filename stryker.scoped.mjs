// @ts-check
/**
 * A Stryker configuration for one folder (stryker.device.config.mjs, stryker.server.config.mjs):
 * the base settings with that folder's tests and its own incremental file and reports. With
 * MUTATE_FILE set (a path under src/, or several separated by commas), only those files are
 * mutated, with an incremental file and report of their own (named after the first file, or
 * MUTATE_NAME), so that such runs do not discard each other's results (a run's report holds only
 * what it mutated). Several files in one run share one initial test run.
 */
import path from "node:path"

/**
 * @param {import("@stryker-mutator/api/core").PartialStrykerOptions} base
 * @param {string} folder
 * @param {string} vitestConfig
 * @param {Array<string>} mutate
 * @returns {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export const scoped = (base, folder, vitestConfig, mutate) => {
  const files = (process.env["MUTATE_FILE"] ?? "").split(",").map((f) => f.trim()).filter((f) => f !== "")
  const label = process.env["MUTATE_NAME"] || (files.length > 0 ? path.basename(files[0] ?? "", ".ts") : "")
  const name = files.length === 0 ? folder : `${folder}-${label}`
  return {
    ...base,
    vitest: { configFile: vitestConfig },
    mutate: files.length === 0 ? mutate : files,
    incrementalFile: `reports/stryker-incremental-${name}.json`,
    htmlReporter: { fileName: `reports/mutation-${name}/index.html` },
    jsonReporter: { fileName: `reports/mutation-${name}/mutation.json` }
  }
}
