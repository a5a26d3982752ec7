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
    pool: "forks"
  }
})
