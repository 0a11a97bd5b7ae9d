import type { Redis } from 'ioredis';
import { AttemptKey, AttemptStore, Reservation } from './attempt-store';
import { FORGET_AFTER_MS, MAX_DELAY_SECONDS } from './limits';

// One script, so the check and the count are a single step for Redis however many instances send attempts.
// The wait mirrors waitMsAfter. ARGV: now, forget-after ms, longest delay s, then each key's free attempts.
const RESERVE = `
local now, forget, maxDelay = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local counts, waitMs = {}, 0
for i, key in ipairs(KEYS) do
  local record = redis.call('HMGET', key, 'attempts', 'lastAt')
  local attempts, lastAt = tonumber(record[1]) or 0, tonumber(record[2]) or 0
  if now - lastAt > forget then attempts = 0 end
  local free = tonumber(ARGV[3 + i])
  if attempts >= free then
    local freeAt = lastAt + math.min(2 ^ (attempts - free), maxDelay) * 1000
    waitMs = math.max(waitMs, freeAt - now)
  end
  counts[i] = attempts
end
if waitMs > 0 then return {0, math.ceil(waitMs)} end
local result = {1}
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, 'attempts', counts[i] + 1, 'lastAt', now)
  redis.call('PEXPIRE', key, forget)
  result[i + 1] = counts[i] + 1
end
return result
`;

const RELEASE = `
if redis.call('HINCRBY', KEYS[1], 'attempts', -1) <= 0 then redis.call('DEL', KEYS[1]) end
`;

/** Attempt counts shared by every instance, so limits hold however requests are balanced. Keys expire by themselves. */
export class RedisAttemptStore implements AttemptStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyOf: (id: string) => string,
  ) {}

  async reserve(keys: AttemptKey[], now: number): Promise<Reservation> {
    const args = [now, FORGET_AFTER_MS, MAX_DELAY_SECONDS, ...keys.map((key) => key.freeAttempts)];
    const [reserved, ...rest] = (await this.redis.eval(
      RESERVE,
      keys.length,
      ...keys.map((key) => this.keyOf(key.id)),
      ...args,
    )) as number[];
    return reserved === 1 ? { reserved: true, counts: rest } : { reserved: false, waitMs: rest[0] };
  }

  async release(id: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.keyOf(id));
  }

  async reset(id: string): Promise<void> {
    await this.redis.del(this.keyOf(id));
  }
}
