/** Loads the shared cpppo wire vectors (test helper, not a test file). */
import { readFileSync } from "node:fs"

export interface Vector {
  readonly id: string
  readonly layer: string
  readonly description: string
  readonly hex?: string
  readonly request_hex?: string
  readonly reply_hex?: string | null
  readonly fields?: Record<string, unknown>
  readonly request_fields?: Record<string, unknown>
  readonly reply_fields?: Record<string, unknown>
  readonly dialect?: string
  readonly cpppo_encodes_as_hex?: string
  readonly consumed_bytes?: number
  readonly produced_hex?: string
  readonly decode_fails_in_cpppo?: boolean
  readonly server_keeps_session?: boolean
}

export const loadVectors = (): ReadonlyArray<Vector> => {
  const url = new URL("../../../shared/vectors/cpppo-wire.json", import.meta.url)
  const doc = JSON.parse(readFileSync(url, "utf8")) as { vectors: ReadonlyArray<Vector> }
  return doc.vectors
}

export const hexToBytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, "hex"))
export const bytesToHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex")
