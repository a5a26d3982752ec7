/**
 * The coverage-guided fuzz targets (scripts/fuzz/targets/*.ts): one per entry point a stranger
 * can reach. `sync` targets run in Jazzer's synchronous mode (much faster); `maxLen` bounds the
 * inputs libFuzzer generates.
 */
export interface TargetInfo {
  readonly name: string
  /** Module under scripts/fuzz/targets/ (without extension) exporting `fuzz(data: Buffer)`. */
  readonly module: string
  readonly sync: boolean
  readonly maxLen: number
  /** Source directories whose branches this target is meant to reach (for the report). */
  readonly covers: string
  /** Its share of a `--budget` (relative: more code behind it, more time). */
  readonly weight: number
}

export const TARGETS: ReadonlyArray<TargetInfo> = [
  { name: "enip-framer", module: "enipFramer", sync: true, maxLen: 4096, covers: "src/enip/framer.ts", weight: 3 },
  { name: "enip-frame", module: "enipFrame", sync: true, maxLen: 4096, covers: "src/enip (header, CPF, frame)", weight: 5 },
  { name: "cip-request", module: "cipRequest", sync: true, maxLen: 4096, covers: "src/cip (request, EPATH, types)", weight: 8 },
  { name: "controller", module: "controller", sync: true, maxLen: 8192, covers: "src/device, src/cip", weight: 12 },
  { name: "client-reply", module: "clientReply", sync: true, maxLen: 4096, covers: "src/client/wire.ts, src/cip/reply.ts", weight: 8 },
  { name: "history-record", module: "historyRecord", sync: true, maxLen: 1024, covers: "src/history/record.ts, timestamp.ts", weight: 5 },
  { name: "history-reader", module: "historyReader", sync: false, maxLen: 4096, covers: "src/history/reader.ts", weight: 5 },
  { name: "web-api", module: "webApi", sync: true, maxLen: 512, covers: "src/web/request.ts, convert.ts", weight: 5 },
  { name: "tag-spec", module: "tagSpec", sync: true, maxLen: 512, covers: "src/tags/spec.ts, tagStore.ts", weight: 4 },
  { name: "route-path", module: "routePath", sync: true, maxLen: 512, covers: "src/cip/epath.ts (route paths)", weight: 5 },
  { name: "modbus-codec", module: "modbusCodec", sync: true, maxLen: 2048, covers: "src/modbus/codec.ts", weight: 5 },
  { name: "fleet-config", module: "fleetConfig", sync: true, maxLen: 4096, covers: "src/server/fleetConfig.ts, fleetSchema.ts, shard.ts", weight: 4 }
]

export const targetNamed = (name: string): TargetInfo | undefined => TARGETS.find((t) => t.name === name)
