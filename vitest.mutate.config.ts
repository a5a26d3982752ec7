/**
 * The tests Stryker runs against each mutant (`npm run mutate`): the fast, socket-free unit and
 * property tests of the modules it mutates. The CLI, interop and server tests run the built binary
 * or bind fixed addresses, so they stay out of mutation runs (they run in `npm test`).
 * Not merged with vitest.config.ts: mergeConfig would append to its `include`, not replace it.
 */
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: { alias: [{ find: /^cpppo$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) }] },
  test: {
    include: ["test/enip/**/*.test.ts", "test/cip/**/*.test.ts"],
    setupFiles: ["./test/setupTests.ts"],
    testTimeout: 60_000
  }
})
