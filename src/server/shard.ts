/**
 * Sharding a fleet across processes (Kubernetes StatefulSet pods): shard `index` of `count` takes
 * one contiguous block of the fleet's controllers, in file order, so consecutive addresses stay
 * together and every controller is in exactly one shard. Blocks differ in size by one at most.
 */
import { Either } from "effect"

export interface Shard {
  /** 0-based, as StatefulSet ordinals are. */
  readonly index: number
  readonly count: number
}

/**
 * `INDEX/COUNT`, where INDEX is a number or a StatefulSet pod name ending in `-ORDINAL`
 * (`cpppo-fleet-2/4`), so a pod can pass `$(POD_NAME)/4` straight from the downward API.
 */
export const parseShard = (text: string): Either.Either<Shard, string> => {
  const m = /^\s*(?:[A-Za-z0-9][A-Za-z0-9.-]*-)?(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  if (m === null) return Either.left(`invalid shard ${JSON.stringify(text)}: expected INDEX/COUNT (e.g. 0/4, or POD-NAME-2/4)`)
  const index = Number(m[1])
  const count = Number(m[2])
  if (!Number.isSafeInteger(count) || count < 1) return Either.left(`invalid shard ${JSON.stringify(text)}: COUNT must be at least 1`)
  if (index >= count) return Either.left(`invalid shard ${JSON.stringify(text)}: INDEX must be below COUNT (0..${count - 1})`)
  return Either.right({ index, count })
}

/** The block `[start, end)` of `total` controllers that a shard takes. */
export const shardRange = (total: number, shard: Shard): { readonly start: number; readonly end: number } => ({
  start: Math.floor((shard.index * total) / shard.count),
  end: Math.floor(((shard.index + 1) * total) / shard.count)
})

/** The controllers (any items) of one shard. */
export const shardOf = <A>(items: ReadonlyArray<A>, shard: Shard): ReadonlyArray<A> => {
  const { start, end } = shardRange(items.length, shard)
  return items.slice(start, end)
}
