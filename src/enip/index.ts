/** EtherNet/IP encapsulation: header, CPF items, frames and the stream framer. */
export * from "./model.js"
export * from "./header.js"
export * from "./cpf.js"
export * from "./frame.js"
export * from "./framer.js"
