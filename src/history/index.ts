/**
 * History: timestamps with zones, durations, history files (write, rotate, read, .gz), playback,
 * historize, and series of tag values plotted as SVG.
 */
export * from "./duration.js"
export * from "./errors.js"
export * from "./historize.js"
export * from "./playback.js"
export * from "./reader.js"
export * from "./record.js"
export * from "./recorder.js"
export * from "./timestamp.js"
export { canonicalZone, type ZoneHistory, zoneHistory, type ZonePeriod, tzdbVersion, zonesOfCountry } from "./tzdb.js"
export * from "./writer.js"
export * from "./zoneRegistry.js"
export * from "./series.js"
export * from "./plot.js"
export * from "./timeAxis.js"
export * from "./trend.js"
