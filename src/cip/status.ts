/**
 * CIP general status codes (CIP Vol 1, Appendix B) and the Logix extended status codes, with names.
 */
export const Status = {
  Success: 0x00,
  ConnectionFailure: 0x01,
  ResourceUnavailable: 0x02,
  InvalidParameterValue: 0x03,
  PathSegmentError: 0x04,
  PathDestinationUnknown: 0x05,
  PartialTransfer: 0x06,
  ConnectionLost: 0x07,
  ServiceNotSupported: 0x08,
  InvalidAttributeValue: 0x09,
  AttributeListError: 0x0a,
  AlreadyInRequestedState: 0x0b,
  ObjectStateConflict: 0x0c,
  ObjectAlreadyExists: 0x0d,
  AttributeNotSettable: 0x0e,
  PrivilegeViolation: 0x0f,
  DeviceStateConflict: 0x10,
  ReplyDataTooLarge: 0x11,
  FragmentationOfPrimitive: 0x12,
  NotEnoughData: 0x13,
  AttributeNotSupported: 0x14,
  TooMuchData: 0x15,
  ObjectDoesNotExist: 0x16,
  ServiceFragmentationSequence: 0x17,
  NoStoredAttributeData: 0x18,
  StoreOperationFailure: 0x19,
  RoutingFailureRequestTooLarge: 0x1a,
  RoutingFailureResponseTooLarge: 0x1b,
  MissingAttributeListEntry: 0x1c,
  InvalidAttributeValueList: 0x1d,
  EmbeddedServiceError: 0x1e,
  VendorSpecific: 0x1f,
  InvalidParameter: 0x20,
  WriteOnceFailure: 0x21,
  InvalidReplyReceived: 0x22,
  BufferOverflow: 0x23,
  MessageFormatError: 0x24,
  KeyFailureInPath: 0x25,
  PathSizeInvalid: 0x26,
  UnexpectedAttributeInList: 0x27,
  InvalidMemberId: 0x28,
  MemberNotSettable: 0x29,
  GeneralError: 0xff
} as const

const generalNames: Record<number, string> = {
  0x00: "success",
  0x01: "connection failure",
  0x02: "resource unavailable",
  0x03: "invalid parameter value",
  0x04: "path segment error",
  0x05: "path destination unknown",
  0x06: "partial transfer",
  0x07: "connection lost",
  0x08: "service not supported",
  0x09: "invalid attribute value",
  0x0a: "attribute list error",
  0x0b: "already in requested mode/state",
  0x0c: "object state conflict",
  0x0d: "object already exists",
  0x0e: "attribute not settable",
  0x0f: "privilege violation",
  0x10: "device state conflict",
  0x11: "reply data too large",
  0x12: "fragmentation of a primitive value",
  0x13: "not enough data",
  0x14: "attribute not supported",
  0x15: "too much data",
  0x16: "object does not exist",
  0x17: "service fragmentation sequence not in progress",
  0x18: "no stored attribute data",
  0x19: "store operation failure",
  0x1a: "routing failure, request packet too large",
  0x1b: "routing failure, response packet too large",
  0x1c: "missing attribute list entry data",
  0x1d: "invalid attribute value list",
  0x1e: "embedded service error",
  0x1f: "vendor specific error",
  0x20: "invalid parameter",
  0x21: "write-once value or medium already written",
  0x22: "invalid reply received",
  0x23: "buffer overflow",
  0x24: "message format error",
  0x25: "key failure in path",
  0x26: "path size invalid",
  0x27: "unexpected attribute in list",
  0x28: "invalid member ID",
  0x29: "member not settable",
  0x2a: "group 2 only server general failure",
  0x2b: "unknown Modbus error",
  0xff: "general error"
}

/** Logix extended status codes (carried after general status 0xFF, and some after 0x01/0x05). */
export const ExtendedStatus = {
  OutOfRange: 0x2105, // index/offset beyond the end of the tag
  TypeMismatch: 0x2107, // data type in a write does not match the tag
  LengthMismatch: 0x2104, // general status 0xFF: offset or number of elements invalid
  NotAvailable: 0x2101, // general: keyswitch position does not allow
  // Connection Manager (after general status 0x01)
  ConnectionInUse: 0x0100,
  TransportClassNotSupported: 0x0103,
  OwnershipConflict: 0x0106,
  ConnectionNotFound: 0x0107,
  InvalidConnectionType: 0x0108,
  InvalidConnectionSize: 0x0109,
  RpiNotSupported: 0x0111,
  OutOfConnections: 0x0113,
  VendorOrProductMismatch: 0x0114,
  DeviceTypeMismatch: 0x0115,
  RevisionMismatch: 0x0116,
  InvalidConnectionPath: 0x0315,
  UnconnectedRequestTimedOut: 0x0204,
  PortNotAvailable: 0x0311,
  LinkAddressNotValid: 0x0312,
  InvalidSegmentInPath: 0x0315
} as const

const extendedNames: Record<number, string> = {
  0x2101: "keyswitch position does not allow",
  0x2104: "offset or number of elements invalid",
  0x2105: "index or offset out of range",
  0x2107: "data type mismatch",
  0x0100: "connection in use or duplicate forward open",
  0x0103: "transport class and trigger combination not supported",
  0x0106: "ownership conflict",
  0x0107: "target connection not found",
  0x0108: "invalid network connection parameter",
  0x0109: "invalid connection size",
  0x0111: "requested RPI not supported",
  0x0113: "out of connections",
  0x0114: "vendor ID or product code mismatch",
  0x0115: "device type mismatch",
  0x0116: "revision mismatch",
  0x0204: "unconnected request timed out",
  0x0311: "port not available",
  0x0312: "link address not valid",
  0x0315: "invalid segment in connection path"
}

/** "path destination unknown" for 0x05, or "status 0x9a" for an unknown code. */
export const statusName = (status: number): string =>
  generalNames[status] ?? `status 0x${status.toString(16).padStart(2, "0")}`

export const extendedStatusName = (ext: number): string | undefined => extendedNames[ext]

/**
 * A CIP status rendered for people, e.g. `Status 8 (service not supported)` or
 * `Status 255 [0x2105] (general error: index or offset out of range)`.
 */
export const describeStatus = (status: number, extended: ReadonlyArray<number> = []): string => {
  const ext = extended.length > 0 ? ` [${extended.map((e) => `0x${e.toString(16).padStart(4, "0")}`).join(", ")}]` : ""
  const extName = extended.length > 0 ? extendedStatusName(extended[0]!) : undefined
  return `Status ${status}${ext} (${statusName(status)}${extName !== undefined ? `: ${extName}` : ""})`
}

/** EtherNet/IP encapsulation status codes (in the 24-byte header). */
export const EncapStatus = {
  Success: 0x0000,
  InvalidCommand: 0x0001, // unsupported encapsulation command
  InsufficientMemory: 0x0002,
  IncorrectData: 0x0003, // poorly formed or incorrect data in the data portion
  InvalidSessionHandle: 0x0064,
  InvalidLength: 0x0065,
  UnsupportedProtocolRevision: 0x0069
} as const

export const encapStatusName = (status: number): string =>
  ({
    0x0000: "success",
    0x0001: "invalid or unsupported encapsulation command",
    0x0002: "insufficient memory",
    0x0003: "incorrect data",
    0x0064: "invalid session handle",
    0x0065: "invalid length",
    0x0069: "unsupported encapsulation protocol revision"
  })[status] ?? `encapsulation status 0x${status.toString(16).padStart(4, "0")}`
