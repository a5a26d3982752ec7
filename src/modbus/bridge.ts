/**
 * The bridge: Modbus registers as Logix tags. `Speed@40001=REAL` is a tag of the simulated Logix
 * controller backed by holding registers 40001-40002 of a Modbus/TCP device, through a
 * ModbusPoller: reads are served from the poll cache (a value at most two poll periods old, never
 * a stale one), writes are forwarded to the device and succeed only when it took them.
 *
 * Types: BOOL on coils or discrete inputs (one bit each); INT, UINT on one register; DINT, UDINT,
 * REAL on two; LINT, ULINT, LREAL on four. Multi-register values are big-endian within each
 * register; `wordOrder` "big" (the default) puts the most significant register first (40001 holds
 * the high word), "little" the least significant first.
 *
 * CIP statuses, as a gateway answers for a device behind it:
 * - device down, not answering, or no fresh value: 0x01 with extended status 0x0204 (the
 *   Unconnected Send timeout a ControlLogix bridge gives for a target that does not answer);
 * - Modbus exception on a write: 01 → 0x08 service not supported, 02 → 0x05 path destination
 *   unknown, 03 → 0x09 invalid attribute value, 04 → 0x10 device state conflict, 06 → 0x02 resource
 *   unavailable, 0A/0B → 0x01/0x0204;
 * - a write to discrete inputs or input registers: 0x0E attribute not settable.
 */
import { Effect, Either, Layer } from "effect"
import { Status } from "../cip/status.js"
import type { ElementType } from "../cip/element.js"
import type { CipValue, TypeName } from "../cip/types.js"
import { AttributeError, type Attribute, AttributeFactory, memoryAttribute } from "../tags/attribute.js"
import { parseTagSpec, type TagSpec, TagSpecError } from "../tags/spec.js"
import { format, parseAddress, type RegisterAddress, TABLES } from "./addresses.js"
import type { ModbusError } from "./client.js"
import { makeModbusPoller, type ModbusPollerService, type PollerConfig, type PollerError, type RegisterValue } from "./poller.js"

export type WordOrder = "big" | "little"

/** A bridged tag: its Logix spec and where its registers start. */
export interface BridgeSpec {
  readonly spec: TagSpec
  readonly address: RegisterAddress
  /** Registers per element (0 for BOOL: one bit per element). */
  readonly words: number
  readonly text: string
}

const WORDS: Partial<Record<TypeName, number>> = { BOOL: 0, INT: 1, UINT: 1, DINT: 2, UDINT: 2, REAL: 2, LINT: 4, ULINT: 4, LREAL: 4 }

/** `NAME@40001=TYPE[n]`: a tag spec placed at a Modbus address (digits only after `@`). */
export const isBridgeSpec = (text: string): boolean => /^[^@=]+@\s*\d+\s*=/.test(text.trim())

export const parseBridgeSpec = (text: string): Either.Either<BridgeSpec, TagSpecError> =>
  Either.gen(function* () {
    const bad = (why: string) => Either.left(new TagSpecError({ spec: text, message: `bad Modbus tag spec ${JSON.stringify(text)}: ${why}` }))
    const m = /^([^@=]+)@\s*(\d+)\s*(=.*)$/.exec(text.trim())
    if (m === null) return yield* bad("expected NAME@REGISTER=TYPE[n], e.g. Speed@40001=REAL")
    const spec = yield* parseTagSpec(`${m[1]!.trim()}${m[3]}`)
    const address = parseAddress(m[2]!)
    if (Either.isLeft(address)) return yield* bad(address.left.message)
    const words = WORDS[spec.type as TypeName]
    if (words === undefined) return yield* bad(`type ${spec.type} cannot live in Modbus registers (one of ${Object.keys(WORDS).join(" ")})`)
    const bits = TABLES[address.right.table].bits
    if (bits !== (words === 0)) return yield* bad(bits ? `${m[2]} is a coil or discrete input: only BOOL fits` : `${m[2]} is a register: BOOL needs a coil (1-) or discrete input (10001-)`)
    const span = spec.count * Math.max(1, words)
    if (address.right.offset + span > 65536) return yield* bad(`${span} ${bits ? "bits" : "registers"} from ${m[2]} run past the table`)
    return { spec, address: address.right, words, text }
  })

/** Values ↔ registers. */
export const toRegisters = (type: TypeName, values: ReadonlyArray<CipValue>, order: WordOrder): Array<number> => {
  const words = WORDS[type]!
  const out: Array<number> = []
  const dv = new DataView(new ArrayBuffer(8))
  for (const v of values) {
    switch (type) {
      case "INT": case "UINT": out.push(Number(v) & 0xffff); continue
      case "DINT": dv.setInt32(0, Number(v)); break
      case "UDINT": dv.setUint32(0, Number(v)); break
      case "REAL": dv.setFloat32(0, Number(v)); break
      case "LINT": dv.setBigInt64(0, BigInt(v as number | bigint)); break
      case "ULINT": dv.setBigUint64(0, BigInt(v as number | bigint)); break
      case "LREAL": dv.setFloat64(0, Number(v)); break
      default: continue
    }
    const regs = Array.from({ length: words }, (_, i) => dv.getUint16(2 * i))
    out.push(...(order === "big" ? regs : regs.reverse()))
  }
  return out
}

export const fromRegisters = (type: TypeName, regs: ReadonlyArray<number>, order: WordOrder): Array<CipValue> => {
  const words = WORDS[type]!
  const out: Array<CipValue> = []
  const dv = new DataView(new ArrayBuffer(8))
  for (let at = 0; at + words <= regs.length; at += words) {
    if (type === "INT") { out.push((regs[at]! << 16) >> 16); continue }
    if (type === "UINT") { out.push(regs[at]!); continue }
    const chunk = regs.slice(at, at + words)
    const ordered = order === "big" ? chunk : chunk.reverse()
    ordered.forEach((r, i) => dv.setUint16(2 * i, r))
    switch (type) {
      case "DINT": out.push(dv.getInt32(0)); break
      case "UDINT": out.push(dv.getUint32(0)); break
      case "REAL": out.push(dv.getFloat32(0)); break
      case "LINT": out.push(dv.getBigInt64(0)); break
      case "ULINT": out.push(dv.getBigUint64(0)); break
      case "LREAL": out.push(dv.getFloat64(0)); break
    }
  }
  return out
}

const NOT_ANSWERING = { status: Status.ConnectionFailure, extStatus: [0x0204] } as const
const EXCEPTION_STATUS: Record<number, { status: number; extStatus: ReadonlyArray<number> }> = {
  1: { status: Status.ServiceNotSupported, extStatus: [] },
  2: { status: Status.PathDestinationUnknown, extStatus: [] },
  3: { status: Status.InvalidAttributeValue, extStatus: [] },
  4: { status: Status.DeviceStateConflict, extStatus: [] },
  6: { status: Status.ResourceUnavailable, extStatus: [] },
  10: NOT_ANSWERING,
  11: NOT_ANSWERING
}

/** The CIP error a poller failure becomes. */
export const cipError = (e: PollerError | ModbusError): AttributeError => {
  const s = e._tag === "ModbusError"
    ? e.reason === "Exception" ? EXCEPTION_STATUS[e.code ?? 0] ?? { status: Status.ResourceUnavailable, extStatus: [] } : NOT_ANSWERING
    : e.reason === "ReadOnly" ? { status: Status.AttributeNotSettable, extStatus: [] }
    : e.reason === "BadValue" ? { status: Status.InvalidAttributeValue, extStatus: [] }
    : NOT_ANSWERING
  return new AttributeError({ status: s.status, extStatus: s.extStatus, message: e.message })
}

/**
 * The Attribute of one bridged tag. A BOOL array holds its BOOLs 32 to a DWORD, as on a Logix
 * controller (`Alarm@10001=BOOL[2]` is a BOOL[32]): only the declared ones are coils or inputs;
 * the rest read false, and a write that would set one of them is refused (nothing backs it).
 */
export const bridgeAttribute = (poller: ModbusPollerService, b: BridgeSpec, maxAge: number, order: WordOrder): Attribute => {
  const { spec, address, words } = b
  const bits = words === 0
  const type = spec.type as TypeName
  const backed = (start: number, n: number) => Math.max(0, Math.min(n, spec.count - start))
  return {
    type: spec.type,
    count: bits && !spec.scalar ? Math.ceil(spec.count / 32) * 32 : spec.count,
    read: (start, n) => {
      const m = bits ? backed(start, n) : n
      const pad = (vs: ReadonlyArray<CipValue>) => (m < n ? [...vs, ...Array.from({ length: n - m }, () => false)] : vs)
      if (m === 0) return Effect.succeed(pad([]))
      return poller.readFresh({ table: address.table, offset: address.offset + start * Math.max(1, words), count: m * Math.max(1, words) }, maxAge).pipe(
        Effect.map((vs): ReadonlyArray<CipValue> => (bits ? pad(vs.map((v) => v === true)) : fromRegisters(type, vs as ReadonlyArray<number>, order))),
        Effect.mapError(cipError))
    },
    write: (start, values) => {
      const m = bits ? backed(start, values.length) : values.length
      if (values.slice(m).some((v) => v === true || v === 1)) {
        return Effect.fail(new AttributeError({ status: Status.GeneralError, extStatus: [0x2105], message: `${spec.name}: BOOLs past ${spec.count} have no coil or input behind them` }))
      }
      if (m === 0) return Effect.void
      const regs: ReadonlyArray<RegisterValue> = bits ? values.slice(0, m).map((v) => v === true || v === 1) : toRegisters(type, values, order)
      return poller.write({ table: address.table, offset: address.offset + start * Math.max(1, words) }, regs).pipe(Effect.mapError(cipError))
    }
  }
}

export interface BridgeConfig extends PollerConfig {
  /** Word order of multi-register values (default "big": the first register holds the high word). */
  readonly wordOrder?: WordOrder
}

/**
 * An AttributeFactory backing the bridged tags by a poller of one device (polling each tag's
 * registers at `rate`); other tags stay in memory. Scoped: the poller stops with the layer.
 */
export const modbusBridgeLayer = (config: BridgeConfig, specs: ReadonlyArray<BridgeSpec>): Layer.Layer<AttributeFactory> =>
  Layer.scoped(AttributeFactory, Effect.gen(function* () {
    const poller = yield* makeModbusPoller(config)
    const rate = config.rate ?? 1
    const order = config.wordOrder ?? "big"
    const byName = new Map<string, Attribute>()
    for (const b of specs) {
      yield* poller.poll({ table: b.address.table, offset: b.address.offset, count: b.spec.count * Math.max(1, b.words) }, rate).pipe(Effect.orDie)
      byName.set(b.spec.name.toLowerCase(), bridgeAttribute(poller, b, 2 * rate * 1000, order))
      yield* Effect.logInfo(`bridge: ${b.spec.name} = ${b.spec.type}[${b.spec.count}] at ${format(b.address)} of ${config.host}:${poller.port}`)
    }
    return {
      make: (spec: TagSpec, element: ElementType, count: number) => {
        const a = byName.get(spec.name.toLowerCase())
        if (a !== undefined) return Effect.succeed(a)
        return Effect.succeed(memoryAttribute(element, count))
      }
    }
  }))
