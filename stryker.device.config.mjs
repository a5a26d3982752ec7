// @ts-check
/**
 * Mutation testing of the device model (src/device: CIP objects, Logix tag services):
 * `npm run mutate -- stryker.device.config.mjs`. Same settings as stryker.config.mjs, with the
 * device tests (vitest.mutate.device.config.ts) and its own incremental file, so runs on one
 * folder keep the others' results.
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
import base from "./stryker.config.mjs"

export default {
  ...base,
  vitest: { configFile: "vitest.mutate.device.config.ts" },
  mutate: ["src/device/**/*.ts", "!src/device/index.ts"],
  incrementalFile: "reports/stryker-incremental-device.json",
  htmlReporter: { fileName: "reports/mutation-device/index.html" },
  jsonReporter: { fileName: "reports/mutation-device/mutation.json" }
}
