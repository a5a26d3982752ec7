import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    setupFiles: ["./test/setupTests.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests bind fixed loopback addresses (127.0.0.x:44818) per file; files run in
    // parallel processes, which is fine because each file owns its address.
    pool: "forks"
  }
})
