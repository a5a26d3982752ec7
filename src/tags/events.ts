/**
 * Tag I/O events, published for every read, write and failure. Printing (`-p`), history and the
 * web page subscribe; the history module consumes exactly this shape.
 */
import type { CipValue, TypeName } from "../cip/types.js"
import { pyValue } from "./pyRepr.js"

export type TagEventKind = "read" | "write" | "error"

export interface TagEvent {
  /** The tag's name as configured (for an unknown tag, the name asked for). */
  readonly name: string
  /** The tag's type (absent for an unknown tag). */
  readonly type?: TypeName
  readonly kind: TagEventKind
  /** First element index. */
  readonly start: number
  /** Number of elements. */
  readonly count: number
  /** Values read or written (absent for errors). */
  readonly values?: ReadonlyArray<CipValue>
  /** The failure, described for people (e.g. `Status 255 [0x2105] (general error: …)`). */
  readonly error?: string
  /** Epoch milliseconds. */
  readonly at: number
}

/**
 * The printing form cpppo uses: `               SCADA[    0-3    ] == [0, 99, 0, 0]`, values as
 * Python prints them (`['hello']`, `[1.0]`, `[True]`), as the client's `-p` does.
 */
export const formatTagEvent = (e: TagEvent): string => {
  const range = `${String(e.start).padStart(5)}-${String(e.start + e.count - 1).padEnd(5)}`
  const head = `${e.name.padStart(20)}[${range}]`
  const vals = (e.values ?? []).map((v) => pyValue(v, e.type)).join(", ")
  switch (e.kind) {
    case "read": return `${head} == [${vals}]`
    case "write": return `${head} <= [${vals}]`
    case "error": return `${head} !! ${e.error ?? "error"}`
  }
}
