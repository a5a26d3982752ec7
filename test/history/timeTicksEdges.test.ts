/**
 * Time-axis ticks, the edges: the step chosen for a span and a tick budget, zones a quarter hour
 * off the hour, UTC's spellings and fixed offsets, times before 1970, calendar steps of days,
 * months and centuries.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { timeTicks, Timestamp } from "../../src/history/index.js"

const at = (text: string) => Either.getOrThrow(Timestamp.parse(text)).millis
const ticks = (from: string, to: string, zone: string, max: number) =>
  timeTicks(at(from), at(to), zone, max).map((t) => `${t.date} ${t.time}`)

describe("clock steps", () => {
  it("Nepal (+05:45) gets its 10- and 2-minute ticks at round local times", () => {
    expect(ticks("2014-01-01 00:10:00", "2014-01-01 00:50:00", "Asia/Kathmandu", 4))
      .toEqual(["2014-01-01 06:00 +0545", "2014-01-01 06:10 +0545", "2014-01-01 06:20 +0545", "2014-01-01 06:30 +0545"])
    expect(ticks("2014-01-01 00:15:00", "2014-01-01 00:21:00", "Asia/Kathmandu", 3))
      .toEqual(["2014-01-01 06:00 +0545", "2014-01-01 06:02 +0545", "2014-01-01 06:04 +0545", "2014-01-01 06:06 +0545"])
  })

  it("UTC by any spelling; a fixed offset's ticks at its round local times", () => {
    for (const zone of ["utc", "GMT", "Z"]) {
      expect(ticks("2014-11-02 06:00:00", "2014-11-02 08:00:00", zone, 3), zone).toEqual(["2014-11-02 06:00 UTC", "2014-11-02 07:00 UTC", "2014-11-02 08:00 UTC"])
    }
    expect(ticks("2014-11-02 06:00:00", "2014-11-02 08:00:00", "+05:30", 3)).toEqual(["2014-11-02 12:00 +0530", "2014-11-02 13:00 +0530"])
  })

  it("Nepal's hours are at its round local hours (00:15Z is 06:00 +0545); an unknown zone's ticks are UTC's", () => {
    expect(ticks("2014-01-01 00:00:00", "2014-01-01 04:00:00", "Asia/Kathmandu", 5))
      .toEqual(["2014-01-01 06:00 +0545", "2014-01-01 07:00 +0545", "2014-01-01 08:00 +0545", "2014-01-01 09:00 +0545"])
    expect(ticks("2014-01-01 00:00:00", "2014-01-01 03:00:00", "Mars/Base", 4))
      .toEqual(["2014-01-01 00:00 UTC", "2014-01-01 01:00 UTC", "2014-01-01 02:00 UTC", "2014-01-01 03:00 UTC"])
  })

  it("an empty span is one second; fewer than 2 ticks asked is 2; seconds shown under a minute", () => {
    expect(ticks("2014-11-02 06:00:00", "2014-11-02 06:00:00", "UTC", 5)).toEqual(["2014-11-02 06:00:00 UTC"])
    expect(ticks("2014-11-02 06:00:00", "2014-11-02 06:00:02", "UTC", 0)).toEqual(["2014-11-02 06:00:00 UTC", "2014-11-02 06:00:01 UTC", "2014-11-02 06:00:02 UTC"])
    expect(ticks("2014-11-02 06:00:00", "2014-11-02 06:02:00", "UTC", 2)).toEqual(["2014-11-02 06:00 UTC", "2014-11-02 06:01 UTC", "2014-11-02 06:02 UTC"])
    expect(ticks("2014-11-02 06:00:00.500", "2014-11-02 06:00:01.500", "UTC", 5)).toEqual(["2014-11-02 06:00:01 UTC"])
  })

  it("the largest step of the day (12 h), and times before 1970", () => {
    expect(ticks("2014-01-01 00:00:00", "2014-01-02 00:00:00", "UTC", 2)).toEqual(["2014-01-01 00:00 UTC", "2014-01-01 12:00 UTC", "2014-01-02 00:00 UTC"])
    expect(ticks("1960-01-01 00:00:00", "1960-01-01 01:00:00", "UTC", 4))
      .toEqual(["1960-01-01 00:00 UTC", "1960-01-01 00:15 UTC", "1960-01-01 00:30 UTC", "1960-01-01 00:45 UTC", "1960-01-01 01:00 UTC"])
  })
})

describe("calendar steps (local midnights)", () => {
  it("every day, every 2 days (on even days since 1970), every 14 days", () => {
    expect(ticks("2014-01-01 00:00:00", "2014-01-05 00:00:00", "UTC", 5))
      .toEqual(["2014-01-01 00:00 UTC", "2014-01-02 00:00 UTC", "2014-01-03 00:00 UTC", "2014-01-04 00:00 UTC", "2014-01-05 00:00 UTC"])
    expect(ticks("2014-01-01 00:00:00", "2014-01-11 00:00:00", "UTC", 5))
      .toEqual(["2014-01-02 00:00 UTC", "2014-01-04 00:00 UTC", "2014-01-06 00:00 UTC", "2014-01-08 00:00 UTC", "2014-01-10 00:00 UTC"])
    expect(ticks("2014-01-01 00:00:00", "2014-03-01 00:00:00", "Asia/Kolkata", 5))
      .toEqual(["2014-01-02 00:00 IST", "2014-01-16 00:00 IST", "2014-01-30 00:00 IST", "2014-02-13 00:00 IST", "2014-02-27 00:00 IST"])
  })

  it("the first of every k months, aligned to the year; every century over a thousand years, to the end", () => {
    expect(ticks("2014-01-01 00:00:00", "2017-01-01 00:00:00", "UTC", 6))
      .toEqual(["2014-01-01 00:00 UTC", "2015-01-01 00:00 UTC", "2016-01-01 00:00 UTC", "2017-01-01 00:00 UTC"])
    expect(ticks("2014-02-15 00:00:00", "2014-12-31 00:00:00", "UTC", 4))
      .toEqual(["2014-04-01 00:00 UTC", "2014-07-01 00:00 UTC", "2014-10-01 00:00 UTC"])
    expect(ticks("1000-01-01 00:00:00", "2014-01-01 00:00:00", "UTC", 5))
      .toEqual(Array.from({ length: 11 }, (_, i) => `${1000 + 100 * i}-01-01 00:00 UTC`))
  })

  it("a zone whose name ends in z (Europe/Vaduz) has its own midnights; a span of exactly 5 average months gets monthly ticks", () => {
    expect(ticks("2014-01-01 00:00:00", "2014-01-05 00:00:00", "Europe/Vaduz", 5))
      .toEqual(["2014-01-02 00:00 CET", "2014-01-03 00:00 CET", "2014-01-04 00:00 CET", "2014-01-05 00:00 CET"])
    expect(timeTicks(0, 5 * (30.44 * 86400_000), "UTC", 5).map((t) => t.date))
      .toEqual(["1970-01-01", "1970-02-01", "1970-03-01", "1970-04-01", "1970-05-01", "1970-06-01"])
  })

  it("thirty years of 14-day ticks run to the end", () => {
    const t = timeTicks(at("1990-01-01 00:00:00"), at("2020-01-01 00:00:00"), "UTC", 1000)
    expect(t.length).toBe(783)
    expect(t[t.length - 1]!.date).toBe("2019-12-26")
    expect(t.every((x, i) => i === 0 || x.t - t[i - 1]!.t === 14 * 86400_000)).toBe(true)
  })
})
