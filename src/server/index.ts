/**
 * The EtherNet/IP simulator server.
 *
 * - `SimulatorLive(config)`: the whole simulator as a Layer (TagStore, Controller, ServerControl,
 *   ConnectionRegistry, EnipServer). Start it on `port: 0` and read `EnipServer.address.port`.
 * - `ServerControl`: delay / delay range / disable / done / latency / idle timeout, at run time.
 * - `ConnectionRegistry`: live sessions (key `127_0_0_1_52590`, counters, `setEof(key)` drops one).
 * - `EnipServerLive(options)`: just the listeners, over an `Endpoint` you provide.
 * - `makeSimulator(config)`: one controller as a value in the caller's Scope; `makeFleet(configs)`:
 *   many, by name; `parseFleetConfig(text, format)`: a fleet file → controller configs.
 * - `ProcessLimits`: the limits every server of the process shares (memory held by sessions,
 *   sessions per peer address, sessions in all by the descriptor limit).
 */
export * from "./address.js"
export * from "./control.js"
export * from "./encapsulation.js"
export * from "./limits.js"
export * from "./registry.js"
export * from "./server.js"
export * from "./simulator.js"
export * from "./addressRange.js"
export * from "./fleet.js"
export * from "./fleetConfig.js"
export * from "./fleetSchema.js"
export * from "./shard.js"
export * from "./stats.js"
