/** CIP: EPATH, types, status codes, requests and replies. */
export * from "./model.js"
export * from "./types.js"
export * from "./status.js"
export * from "./errors.js"
export * from "./bytes.js"
export * from "./epath.js"
