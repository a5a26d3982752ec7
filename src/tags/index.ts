export * from "./attribute.js"
export * from "./events.js"
export * from "./spec.js"
export * from "./tagStore.js"
