/** cpppo public API: codec functions, services and layers. */
export * from "./cli/main.js"
