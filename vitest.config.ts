import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

export default defineConfig({
  // Examples import the package by name, as its users do (tsconfig.json maps it the same way).
  resolve: { alias: [{ find: /^cpppo$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) }] },
  test: {
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    setupFiles: ["./test/setupTests.ts"],
    // Builds dist/ when src/ is newer: CLI tests run the real binary, node dist/cli/bin.js.
    globalSetup: ["./test/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests bind fixed loopback addresses (127.0.0.x:44818) per file; files run in
    // parallel processes, which is fine because each file owns its address.
    pool: "forks",
    // Vitest's default for a run is one worker fewer than the CPUs: on CI's 2 cores, one file at a
    // time (878 s of tests, most of them waiting on sockets and child processes). Two at a time.
    maxWorkers: 2,
    minWorkers: 1
  }
})
