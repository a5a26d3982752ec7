// @ts-check
/**
 * Mutation testing of the device model (src/device: CIP objects, Logix tag services):
 * `npm run mutate -- device` (or `npx stryker run stryker.device.config.mjs`). Same settings as stryker.config.mjs, with the
 * device tests (vitest.mutate.device.config.ts) and its own incremental file, so runs on one
 * folder keep the others' results. `MUTATE_FILE=src/device/paths.ts` narrows a run to one file,
 * with an incremental file and report of its own (so per-file runs keep each other's results);
 * `node scripts/mutation-scores.mjs` sums the reports.
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
import base from "./stryker.config.mjs"
import { scoped } from "./stryker.scoped.mjs"

export default scoped(base, "device", "vitest.mutate.device.config.ts", ["src/device/**/*.ts", "!src/device/index.ts"])
