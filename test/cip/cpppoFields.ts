/**
 * Test helper: renders our decoded shapes under cpppo's dotted field names, so the vectors' `fields`
 * can be compared key by key. Also builds the request context for replies that come without one.
 */
import { Either } from "effect"
import { encodeNcp } from "../../src/cip/connmgr.js"
import { encodeEPath } from "../../src/cip/epath.js"
import type { CipReply, CipRequest, EPath } from "../../src/cip/model.js"
import { encodeReply } from "../../src/cip/reply.js"
import { encodeRequest, multipleTable, requestService } from "../../src/cip/request.js"
import { CipType, type TypeSpec } from "../../src/cip/types.js"
import { decodeTyped } from "../../src/cip/values.js"
import { decodeCpf, encodeCpf } from "../../src/enip/cpf.js"
import type { CpfItem, EnipFrame } from "../../src/enip/model.js"
import { bytesToHex } from "./vectors.js"

export type Flat = Record<string, unknown>

/** cpppo pads list indices (`request[ 0]`) when a list has ≥ 10 entries; normalise to `[0]`. */
export const normKey = (k: string): string => k.replace(/\[\s*(\d+)\]/g, "[$1]")

/** Flatten nested JSON objects (e.g. `{"path": {"segment": [{"class": 2}]}}`) into dotted keys. */
export const flattenJson = (o: Record<string, unknown>, prefix = "", out: Flat = {}): Flat => {
  for (const [k, v] of Object.entries(o)) {
    const key = normKey(prefix + k)
    if (Array.isArray(v) && v.some((x) => typeof x === "object" && x !== null)) {
      v.forEach((x, i) => flattenJson(x as Record<string, unknown>, `${key}[${i}].`, out))
    } else if (typeof v === "object" && v !== null && !Array.isArray(v) && !("hex" in v)) {
      flattenJson(v as Record<string, unknown>, `${key}.`, out)
    } else out[key] = v
  }
  return out
}

const hexCap = (b: Uint8Array) => ({ hex: bytesToHex(b) })

export const flatPath = (out: Flat, prefix: string, path: EPath, size?: number): void => {
  out[`${prefix}.size`] = size ?? encodeEPath(path).length / 2
  path.forEach((s, i) => {
    const k = `${prefix}.segment[${i}]`
    switch (s._tag) {
      case "Port": out[`${k}.port`] = s.port; out[`${k}.link`] = s.link; break
      case "Class": out[`${k}.class`] = s.id; break
      case "Instance": out[`${k}.instance`] = s.id; break
      case "Attribute": out[`${k}.attribute`] = s.id; break
      case "ConnectionPoint": out[`${k}.connection`] = s.id; break
      case "Member": out[`${k}.member`] = s.id; break
      case "Element": out[`${k}.element`] = s.index; break
      case "Symbolic": out[`${k}.symbolic`] = s.name; break
      default: out[`${k}.${s._tag.toLowerCase()}`] = true
    }
  })
}

const flatType = (out: Flat, prefix: string, type: TypeSpec, data: Uint8Array): void => {
  out[`${prefix}.type`] = type.code
  if (type.code === CipType.STRUCT) out[`${prefix}.structure_tag`] = type.handle
  const values = decodeTyped(type, data)
  if (values !== undefined && Either.isRight(values)) out[`${prefix}.data`] = values.right
}

/** cpppo's name for a service's payload section. */
const section: Record<string, string> = {
  ReadTag: "read_tag", ReadTagFragmented: "read_frag", WriteTag: "write_tag", WriteTagFragmented: "write_frag",
  GetAttributeSingle: "get_attribute_single", GetAttributesAll: "get_attributes_all", SetAttributeSingle: "set_attribute_single",
  GetAttributeList: "get_attribute_list", ForwardOpen: "forward_open", ForwardClose: "forward_close", MultipleServicePacket: "multiple"
}

const flatNcp = (out: Flat, k: string, rpi: number, p: { size: number; variable: boolean; priority: number; type: number; redundantOwner: boolean }, large: boolean) => {
  out[`${k}.RPI`] = rpi
  out[`${k}.NCP`] = encodeNcp(p, large)
  out[`${k}.size`] = p.size
  out[`${k}.variable`] = p.variable ? 1 : 0
  out[`${k}.priority`] = p.priority
  out[`${k}.type`] = p.type
  out[`${k}.redundant`] = p.redundantOwner ? 1 : 0
  out[`${k}.large`] = large
}

export const flatRequest = (out: Flat, x: string, req: CipRequest, pathSize?: number): void => {
  out[`${x}.service`] = requestService(req)
  flatPath(out, `${x}.path`, req.path, pathSize)
  switch (req._tag) {
    case "ReadTag": out[`${x}.read_tag.elements`] = req.elements; break
    case "ReadTagFragmented": out[`${x}.read_frag.elements`] = req.elements; out[`${x}.read_frag.offset`] = req.offset; break
    case "WriteTag": case "WriteTagFragmented": {
      const s = `${x}.${section[req._tag]}`
      out[`${s}.elements`] = req.elements
      if (req._tag === "WriteTagFragmented") out[`${s}.offset`] = req.offset
      flatType(out, s, req.type, req.data)
      break
    }
    case "GetAttributeList": out[`${x}.get_attribute_list`] = req.attributes; break
    case "GetAttributeSingle": out[`${x}.get_attribute_single`] = true; break
    case "GetAttributesAll": out[`${x}.get_attributes_all`] = true; break
    case "SetAttributeSingle": out[`${x}.set_attribute_single.data`] = [...req.data]; break
    case "MultipleServicePacket": {
      const encoded = req.requests.map(encodeRequest)
      out[`${x}.multiple.number`] = req.requests.length
      let off = 2 + 2 * req.requests.length
      out[`${x}.multiple.offsets`] = encoded.map((e) => { const o = off; off += e.length; return o })
      out[`${x}.multiple.request_data`] = { hex: encoded.map(bytesToHex).join("") }
      req.requests.forEach((r, i) => flatRequest(out, `${x}.multiple.request[${i}]`, r))
      break
    }
    case "ForwardOpen": {
      const f = `${x}.forward_open`
      out[`${f}.priority_time_tick`] = req.priorityTimeTick
      out[`${f}.timeout_ticks`] = req.timeoutTicks
      out[`${f}.O_T.connection_ID`] = req.otConnectionId
      out[`${f}.T_O.connection_ID`] = req.toConnectionId
      out[`${f}.connection_serial`] = req.connectionSerial
      out[`${f}.O_vendor`] = req.originatorVendor
      out[`${f}.O_serial`] = req.originatorSerial
      out[`${f}.connection_timeout_multiplier`] = req.timeoutMultiplier
      flatNcp(out, `${f}.O_T`, req.otRpi, req.otParams, req.large)
      flatNcp(out, `${f}.T_O`, req.toRpi, req.toParams, req.large)
      out[`${f}.transport_class_triggers`] = req.transportClassTrigger
      flatPath(out, `${f}.connection_path`, req.connectionPath)
      break
    }
    case "ForwardClose": {
      const f = `${x}.forward_close`
      out[`${f}.priority_time_tick`] = req.priorityTimeTick
      out[`${f}.timeout_ticks`] = req.timeoutTicks
      out[`${f}.connection_serial`] = req.connectionSerial
      out[`${f}.O_vendor`] = req.originatorVendor
      out[`${f}.O_serial`] = req.originatorSerial
      flatPath(out, `${f}.connection_path`, req.connectionPath)
      break
    }
    case "UnconnectedSend":
      // cpppo names the wrapper's fields one level up; callers use flatSendData for that.
      flatRequest(out, `${x}.request`, req.request)
      break
    default: break
  }
}

/** The payload of a CPF 0xB2 item holding a request, in cpppo's `unconnected_send` naming. */
export const flatUnconnected = (out: Flat, u: string, req: CipRequest, raw: Uint8Array): void => {
  if (req._tag !== "UnconnectedSend") { flatRequest(out, `${u}.request`, req, raw[1]); return }
  out[`${u}.service`] = 0x52
  out[`${u}.priority`] = req.priorityTimeTick
  out[`${u}.timeout_ticks`] = req.timeoutTicks
  out[`${u}.length`] = raw[4 + 2 * raw[1]!]! | (raw[5 + 2 * raw[1]!]! << 8)
  flatPath(out, `${u}.path`, req.path, raw[1])
  flatPath(out, `${u}.route_path`, req.routePath)
  flatRequest(out, `${u}.request`, req.request)
}

export const flatReply = (out: Flat, x: string, rep: CipReply, req: CipRequest): void => {
  out[`${x}.service`] = rep.service
  out[`${x}.status`] = rep.status
  out[`${x}.status_ext.size`] = rep.extStatus.length
  if (rep.extStatus.length > 0) out[`${x}.status_ext.data`] = rep.extStatus
  let light = req
  while (light._tag === "UnconnectedSend") light = light.request
  switch (rep._tag) {
    case "ReadTag": case "ReadTagFragmented": flatType(out, `${x}.${section[rep._tag]}`, rep.type, rep.data); break
    case "WriteTag": case "WriteTagFragmented": case "SetAttributeSingle": out[`${x}.${section[rep._tag]}`] = true; break
    case "GetAttributeSingle": case "GetAttributesAll": out[`${x}.${section[rep._tag]}.data`] = [...rep.data]; break
    case "Error": if (section[light._tag]) out[`${x}.${section[light._tag]}`] = true; break
    case "Generic":
      if (light._tag === "GetAttributeList") {
        const d = rep.data
        out[`${x}.get_attribute_list.data`] = Array.from({ length: d.length >> 1 }, (_, i) => d[2 * i]! | (d[2 * i + 1]! << 8))
      }
      break
    case "MultipleServicePacket": {
      const encoded = rep.replies.map(encodeReply)
      out[`${x}.multiple.number`] = rep.replies.length
      let off = 2 + 2 * rep.replies.length
      out[`${x}.multiple.offsets`] = encoded.map((e) => { const o = off; off += e.length; return o })
      out[`${x}.multiple.request_data`] = { hex: encoded.map(bytesToHex).join("") }
      const subs = light._tag === "MultipleServicePacket" ? light.requests : []
      rep.replies.forEach((r, i) => flatReply(out, `${x}.multiple.request[${i}]`, r, subs[i] ?? light))
      break
    }
    case "ForwardOpen": case "ForwardClose": {
      const f = `${x}.${section[rep._tag]}`
      if (rep._tag === "ForwardOpen") {
        out[`${f}.O_T.connection_ID`] = rep.otConnectionId
        out[`${f}.T_O.connection_ID`] = rep.toConnectionId
        out[`${f}.O_T.API`] = rep.otApi
        out[`${f}.T_O.API`] = rep.toApi
      }
      out[`${f}.connection_serial`] = rep.connectionSerial
      out[`${f}.O_vendor`] = rep.originatorVendor
      out[`${f}.O_serial`] = rep.originatorSerial
      out[`${f}.application.size`] = rep.applicationReply.length >> 1
      out[`${f}.application.data`] = [...rep.applicationReply]
      break
    }
    case "ForwardOpenFailed": {
      const f = `${x}.${rep.service === 0xce ? "forward_close" : "forward_open"}`
      out[`${f}.connection_serial`] = rep.connectionSerial
      out[`${f}.O_vendor`] = rep.originatorVendor
      out[`${f}.O_serial`] = rep.originatorSerial
      if (rep.remainingPathSize !== undefined) out[`${f}.remaining_path_size`] = rep.remainingPathSize
      break
    }
    default: break
  }
}

const itemTypeLength = (item: CpfItem): [number, number] => {
  const b = encodeCpf([item])
  return [b[2]! | (b[3]! << 8), b.length - 6]
}

/** How the test renders the CIP payload of a 0xB1/0xB2 item (decoded outside, by the caller). */
export type ItemCip =
  | { readonly kind: "request"; readonly req: CipRequest; readonly raw: Uint8Array }
  | { readonly kind: "reply"; readonly rep: CipReply; readonly req: CipRequest }

/** Flatten a frame; `cip(i)` gives the decoded CIP payload of item i (if any). */
export const flatFrame = (f: EnipFrame, cip: (i: number) => ItemCip | undefined): Flat => {
  const out: Flat = {
    "enip.command": f.header.command, "enip.length": f.header.length, "enip.session_handle": f.header.sessionHandle,
    "enip.status": f.header.status, "enip.options": f.header.options, "enip.sender_context.input": hexCap(f.header.senderContext)
  }
  const b = f.body
  const items = (sect: string, list: ReadonlyArray<CpfItem>) => {
    out[`${sect}.CPF.count`] = list.length
    list.forEach((item, i) => {
      const k = `${sect}.CPF.item[${i}]`
      const [t, l] = itemTypeLength(item)
      out[`${k}.type_id`] = t
      out[`${k}.length`] = l
      switch (item._tag) {
        case "ListIdentity": {
          const id = item.identity
          const o = `${k}.identity_object`
          Object.assign(out, {
            [`${o}.version`]: id.protocolVersion, [`${o}.sin_family`]: id.sockaddr.family, [`${o}.sin_port`]: id.sockaddr.port,
            [`${o}.sin_addr`]: id.sockaddr.address, [`${o}.vendor_id`]: id.vendorId, [`${o}.device_type`]: id.deviceType,
            [`${o}.product_code`]: id.productCode, [`${o}.product_revision`]: id.revision[0] | (id.revision[1] << 8),
            [`${o}.status_word`]: id.status, [`${o}.serial_number`]: id.serialNumber, [`${o}.product_name`]: id.productName,
            [`${o}.state`]: id.state
          })
          if (id.extra) out[`${o}.extra`] = hexCap(id.extra)
          break
        }
        case "ListServices":
          out[`${k}.communications_service.version`] = item.version
          out[`${k}.communications_service.capability`] = item.capability
          out[`${k}.communications_service.service_name`] = item.name
          break
        case "ConnectedAddress": out[`${k}.connection_ID.connection`] = item.connectionId; break
        case "ConnectedData": case "UnconnectedData": {
          if (item._tag === "ConnectedData") out[`${k}.connection_data.sequence`] = item.sequence
          const c = cip(i)
          const base = item._tag === "ConnectedData" ? `${k}.connection_data` : `${k}.unconnected_send`
          if (c?.kind === "request") {
            if (item._tag === "ConnectedData") flatRequest(out, `${base}.request`, c.req, c.raw[1])
            else flatUnconnected(out, base, c.req, c.raw)
          } else if (c?.kind === "reply") {
            // A failed Unconnected Send (0xD2 not answering an embedded 0x52) is the wrapper's own reply.
            const own = c.req._tag === "UnconnectedSend" && c.rep.service === 0xd2 && requestService(c.req.request) !== 0x52
            flatReply(out, own ? base : `${base}.request`, c.rep, c.req)
          }
          break
        }
        default: break
      }
    })
  }
  switch (b._tag) {
    case "RegisterSession": out["enip.CIP.register.protocol_version"] = b.protocolVersion; out["enip.CIP.register.options"] = b.options; break
    case "ListIdentity": items("enip.CIP.list_identity", b.items); break
    case "ListServices": items("enip.CIP.list_services", b.items); break
    case "ListInterfaces": items("enip.CIP.list_interfaces", b.items); break
    case "SendRRData": case "SendUnitData":
      out["enip.CIP.send_data.interface"] = b.interfaceHandle
      out["enip.CIP.send_data.timeout"] = b.timeout
      items("enip.CIP.send_data", b.items)
      break
    case "Unsupported": {
      // the undocumented legacy command 0x0001 carries a CPF (its item stays raw)
      const c = b.command === 1 ? decodeCpf(b.data) : undefined
      if (c && Either.isRight(c)) items("enip.CIP.legacy", c.right)
      break
    }
    default: break
  }
  return out
}

/**
 * The request context for a reply that comes without its request (bare captures): what a client
 * would have sent, reconstructed from the reply's service code (and, for Multiple Service Packets,
 * from the embedded replies' codes). `unconnected` marks cpppo's reading of a ≤ 6-byte 0xD2 failure
 * with no extended status as the Unconnected Send's own failure (see the vectors' descriptions).
 */
export const requestFor = (b: Uint8Array, dialect?: string): CipRequest => {
  const svc = b[0]! & 0x7f
  const path: EPath = []
  const cm: EPath = [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }]
  switch (svc) {
    case 0x4c: return { _tag: "ReadTag", path, elements: 1 }
    case 0x4d: return { _tag: "WriteTag", path, type: { code: CipType.INT }, elements: 1, data: new Uint8Array(0) }
    case 0x52:
      if (b.length <= 6 && b[2]! !== 0 && b[2]! < 0x10 && b[3] === 0) {
        return { _tag: "UnconnectedSend", path: cm, priorityTimeTick: 5, timeoutTicks: 157, routePath: [], request: { _tag: "ReadTag", path, elements: 1 } }
      }
      return { _tag: "ReadTagFragmented", path, elements: 1, offset: 0 }
    case 0x53: return { _tag: "WriteTagFragmented", path, type: { code: CipType.INT }, elements: 1, offset: 0, data: new Uint8Array(0) }
    case 0x01: return { _tag: "GetAttributesAll", path }
    case 0x0e: return { _tag: "GetAttributeSingle", path }
    case 0x10: return { _tag: "SetAttributeSingle", path, data: new Uint8Array(0) }
    case 0x4e:
      if (dialect === "Connection_Manager") {
        return { _tag: "ForwardClose", path: cm, priorityTimeTick: 0, timeoutTicks: 0, connectionSerial: 0, originatorVendor: 0, originatorSerial: 0, connectionPath: [] }
      }
      return { _tag: "ReadModifyWriteTag", path, orMask: new Uint8Array(0), andMask: new Uint8Array(0) }
    case 0x54: case 0x5b: {
      const p = { size: 0, variable: false, priority: 0, type: 0, redundantOwner: false }
      return {
        _tag: "ForwardOpen", path: cm, large: svc === 0x5b, priorityTimeTick: 0, timeoutTicks: 0, otConnectionId: 0, toConnectionId: 0,
        connectionSerial: 0, originatorVendor: 0, originatorSerial: 0, timeoutMultiplier: 0, otRpi: 0, otParams: p, toRpi: 0, toParams: p,
        transportClassTrigger: 0, connectionPath: []
      }
    }
    case 0x0a: {
      const at = 4 + 2 * b[3]!
      const table = multipleTable(b, at, b.length)
      const requests = Either.isRight(table) ? table.right.map(([s, e]) => requestFor(b.subarray(s, e), dialect)) : []
      return { _tag: "MultipleServicePacket", path, requests }
    }
    default: return { _tag: "Generic", path, service: svc, data: new Uint8Array(0) }
  }
}
