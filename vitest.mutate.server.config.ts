/**
 * The tests Stryker runs against each src/server mutant (stryker.server.config.mjs): the server
 * tests that finish in seconds, over real sockets on 127.0.0.1 port 0. Left out, because each
 * covered test runs once per mutant: the defaults' 10 s frame cap and 2,048-session tests
 * (test/server/defaults.test.ts), the 50-controller fleet (fleet.test.ts) and the CLI binary
 * (cli.test.ts); they run in `npm test`. CPPPO_MUTATE lowers property run counts (test/numRuns.ts).
 */
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: { alias: [{ find: /^cpppo$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) }] },
  test: {
    include: [
      "test/server/{addressRange,attributes,connected,encapsulation,faults,fleetConfig,fleetStructures,sessions,udp,vectors}.test.ts",
      "test/server/mutation/**/*.test.ts"
    ],
    setupFiles: ["./test/setupTests.ts"],
    env: { CPPPO_MUTATE: "1" },
    testTimeout: 60_000
  }
})
