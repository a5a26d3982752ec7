/** The web API and live page (see docs/web.md). */
export * from "./api.js"
export * from "./convert.js"
export * from "./reply.js"
export * from "./request.js"
export { compileGlob, type Glob, isGlob, MAX_GLOB_LENGTH } from "./glob.js"
export { liveStream, snapshot, type Snapshot, type LiveEvent, PAGE_VALUES } from "./live.js"
export { authorized, makeWebServer, WebApiLive, WebServer, wantsHtml, type WebOptions, type WebServerService } from "./server.js"
export type { HistoryAccess } from "./historyRoutes.js"
