/**
 * Modbus/TCP: a simulated PLC (`makeModbusDevice`, `ModbusDevice.layer`), a poller
 * (`makeModbusPoller`, `ModbusPoller.layer`), the bridge of registers into Logix tags
 * (`modbusBridgeLayer`), the client connection and the codec.
 */
export * from "./addresses.js"
export * from "./bridge.js"
export * from "./client.js"
export * from "./codec.js"
export * from "./device.js"
export * from "./merge.js"
export * from "./poller.js"
export * from "./print.js"
export { type BoundRun, makeRegisterMap, planRuns, type RegisterMap, type RegisterRun, runSpec } from "./registers.js"
export { answerAdu, exceptionFor, type HandlerContext } from "./handler.js"
