/**
 * Test your own software against the simulator: scripted client fibers, fault injection and a
 * report (see harness.ts), plus the script vocabulary (script.ts).
 */
export * from "./harness.js"
export * from "./script.js"
export * from "./proxy.js"
