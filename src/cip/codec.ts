/**
 * The CipCodec service: the pure codec functions behind a Context tag, so Effect programs (and
 * tests) can take the codec from their environment. The functions are also exported plainly.
 */
import { Context, Layer } from "effect"
import * as Cpf from "../enip/cpf.js"
import * as Frame from "../enip/frame.js"
import * as Framer from "../enip/framer.js"
import * as Header from "../enip/header.js"
import * as EPathCodec from "./epath.js"
import * as Identity from "./identity.js"
import * as Reply from "./reply.js"
import * as Request from "./request.js"
import * as TcpIp from "./tcpip.js"
import * as Values from "./values.js"

/** Everything the codec does, as one record of pure functions. */
export interface CipCodecShape {
  readonly decodeHeader: typeof Header.decodeHeader
  readonly encodeHeaderInto: typeof Header.encodeHeaderInto
  readonly decodeCpf: typeof Cpf.decodeCpf
  readonly encodeCpf: typeof Cpf.encodeCpf
  readonly decodeFrame: typeof Frame.decodeFrame
  readonly encodeFrame: typeof Frame.encodeFrame
  readonly makeFramer: typeof Framer.makeFramer
  readonly decodeEPath: typeof EPathCodec.decodeEPath
  readonly decodePathWithSize: typeof EPathCodec.decodePathWithSize
  readonly encodeEPath: typeof EPathCodec.encodeEPath
  readonly encodePathWithSize: typeof EPathCodec.encodePathWithSize
  readonly parseRoutePath: typeof EPathCodec.parseRoutePath
  readonly formatEPath: typeof EPathCodec.formatEPath
  readonly decodeRequest: typeof Request.decodeRequest
  readonly encodeRequest: typeof Request.encodeRequest
  readonly requestService: typeof Request.requestService
  readonly decodeReply: typeof Reply.decodeReply
  readonly encodeReply: typeof Reply.encodeReply
  readonly decodeIdentity: typeof Identity.decodeIdentity
  readonly encodeIdentity: typeof Identity.encodeIdentity
  readonly decodeTcpIp: typeof TcpIp.decodeTcpIp
  readonly encodeTcpIp: typeof TcpIp.encodeTcpIp
  readonly decodeTyped: typeof Values.decodeTyped
  readonly encodeTyped: typeof Values.encodeTyped
}

/** The codec as a value (what `CipCodecLive` provides). */
export const cipCodec: CipCodecShape = {
  decodeHeader: Header.decodeHeader,
  encodeHeaderInto: Header.encodeHeaderInto,
  decodeCpf: Cpf.decodeCpf,
  encodeCpf: Cpf.encodeCpf,
  decodeFrame: Frame.decodeFrame,
  encodeFrame: Frame.encodeFrame,
  makeFramer: Framer.makeFramer,
  decodeEPath: EPathCodec.decodeEPath,
  decodePathWithSize: EPathCodec.decodePathWithSize,
  encodeEPath: EPathCodec.encodeEPath,
  encodePathWithSize: EPathCodec.encodePathWithSize,
  parseRoutePath: EPathCodec.parseRoutePath,
  formatEPath: EPathCodec.formatEPath,
  decodeRequest: Request.decodeRequest,
  encodeRequest: Request.encodeRequest,
  requestService: Request.requestService,
  decodeReply: Reply.decodeReply,
  encodeReply: Reply.encodeReply,
  decodeIdentity: Identity.decodeIdentity,
  encodeIdentity: Identity.encodeIdentity,
  decodeTcpIp: TcpIp.decodeTcpIp,
  encodeTcpIp: TcpIp.encodeTcpIp,
  decodeTyped: Values.decodeTyped,
  encodeTyped: Values.encodeTyped
}

/** The EtherNet/IP + CIP codec service. */
export class CipCodec extends Context.Tag("cpppo/CipCodec")<CipCodec, CipCodecShape>() {}

/** The live codec (pure functions; no resources). */
export const CipCodecLive: Layer.Layer<CipCodec> = Layer.succeed(CipCodec, cipCodec)
