/** The cpppo wire vectors (test/fixtures/cpppo-wire.json) and hex helpers (test helper, not a test file). */
import { loadWireVectors, type WireVector } from "../fixtures/fixtures.js"

export type Vector = WireVector

export const loadVectors = (): ReadonlyArray<Vector> => loadWireVectors()

export const hexToBytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, "hex"))
export const bytesToHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex")
