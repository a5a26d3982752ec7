/**
 * cpppo public API. Each part is a namespace, so names stay unambiguous:
 *
 * ```ts
 * import { Cip, Enip, Tags, Device, Server, Client, Web, History, Dfa, Testing, Modbus, Signals, Poll, Replay } from "cpppo"
 * ```
 */
export * as Cip from "./cip/index.js"
export * as Client from "./client/index.js"
export * as Device from "./device/index.js"
export * as Dfa from "./dfa/index.js"
export * as Enip from "./enip/index.js"
export * as History from "./history/index.js"
export * as Modbus from "./modbus/index.js"
export * as Poll from "./poll/index.js"
export * as Replay from "./replay/index.js"
export * as Server from "./server/index.js"
export * as Signals from "./signals/index.js"
export * as Tags from "./tags/index.js"
export * as Testing from "./testing/index.js"
export * as Web from "./web/index.js"
export { cli, VERSION } from "./cli/main.js"
