// @ts-check
/**
 * A Stryker configuration for one folder (stryker.device.config.mjs, stryker.server.config.mjs):
 * the base settings with that folder's tests and its own incremental file and reports. With
 * MUTATE_FILE set (a path under src/), only that file is mutated, with files of its own, so that
 * per-file runs do not discard each other's results (a run's report holds only what it mutated).
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
  const file = process.env["MUTATE_FILE"]
  const name = file === undefined || file === "" ? folder : `${folder}-${path.basename(file, ".ts")}`
  return {
    ...base,
    vitest: { configFile: vitestConfig },
    mutate: file === undefined || file === "" ? mutate : [file],
    incrementalFile: `reports/stryker-incremental-${name}.json`,
    htmlReporter: { fileName: `reports/mutation-${name}/index.html` },
    jsonReporter: { fileName: `reports/mutation-${name}/mutation.json` }
  }
}
