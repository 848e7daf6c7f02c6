import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "host/**/*.test.ts", "plugins/**/*.test.ts", "gateway/**/*.test.ts", "tools/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests start real servers on 127.0.0.1 (HTTP mocks, redis-server, docker-registry); files run in
    // separate workers, so each picks its own free ports.
    pool: "forks",
  },
});
