/**
 * Replay: a recorded history (a real plant polled with `cpppo enip poll`, or a simulator's
 * `--historize`) played back into a simulator's tags at its original timing, scaled.
 *
 * @module
 */
export { type HistoryScan, type RecordedTag, replayTagSpecs, scanHistory } from "./scan.js"
export { parseReplayTime } from "./time.js"
export { makeReplay, Replay, type ReplayOptions, type ReplayService, type ReplayState } from "./replay.js"
