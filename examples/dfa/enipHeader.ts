/**
 * An EtherNet/IP encapsulation header parser written with the DFA library: 24 bytes (command
 * u16le, length u16le, session handle u32le, status u32le, sender context 8 bytes, options
 * u32le), then `length` payload bytes. Each field is a binary field machine; epsilon transitions
 * chain them; the payload's length is read from the `length` field already parsed.
 *
 * Run: `npx tsx examples/dfa/enipHeader.ts` parses a RegisterSession request fed in 5-byte chunks.
 */
import { Either } from "effect"
import { Dfa } from "cpppo"

const { bytes, UDINT, UINT } = Dfa

/** The decoded frame, as collected at `enip` in the data. */
export interface EnipFrame {
  readonly command: number
  readonly length: number
  readonly session_handle: number
  readonly status: number
  readonly sender_context: Uint8Array
  readonly options: number
  /** The encapsulated payload (`length` bytes). */
  readonly input: Uint8Array
}

/** A machine for one encapsulated frame; its data lands at `<context>` (default `enip`). */
export const enipFrame = (context = "enip"): Dfa.Dfa => {
  const fields = [
    UINT("command"),
    UINT("length"),
    UDINT("session_handle"),
    UDINT("status"),
    bytes("sender_context", 8),
    UDINT("options"),
    // Relative to this field's own path (enip.input): the sibling enip.length.
    bytes("input", "..length")
  ]
  fields.forEach((f, i) => {
    const next = fields[i + 1]
    if (next !== undefined) f.onEpsilon(next)
  })
  return new Dfa.Dfa("ENIP", { initial: fields[0]!, context, terminal: true })
}

const isMain = import.meta.url === `file://${process.argv[1]}`
if (isMain) {
  const frame = Uint8Array.from([
    0x65, 0x00, 0x04, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0x01, 0x00, 0x00, 0x00
  ])
  const parser = new Dfa.Parser(enipFrame(), { kind: "bytes" })
  for (let i = 0; i < frame.length; i += 5) {
    const r = parser.feed(frame.subarray(i, i + 5))
    console.log(`fed ${Math.min(i + 5, frame.length)} bytes:`, r._tag === "NeedsInput" ? `needs input (${r.consumed} consumed)` : r._tag)
    if (r._tag !== "NeedsInput") {
      console.log(Either.isRight(r) ? r.right.data : r.left.message)
      break
    }
  }
}
