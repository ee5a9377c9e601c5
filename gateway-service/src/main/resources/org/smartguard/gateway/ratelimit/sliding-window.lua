-- A sliding-window log: one sorted set per key holding the admission times of the last window.
-- Chosen over GCRA and token buckets because it is exact at the window edges: no rolling window of
-- ARGV[2] ms ever holds more than ARGV[1] admissions, whichever replica admitted them, while GCRA with a
-- burst of N admits N at once and then one more every window/N, i.e. up to 2N in a window. Memory is one
-- entry per admission (at most the limit per key), which is small for per-minute limits.
-- The time is Redis' own clock, so replicas with skewed clocks still share one window.
-- KEYS[1] the window; ARGV[1] limit; ARGV[2] window in ms; ARGV[3] a member unique to this request.
-- KEYS[2], optional: the denylist key of the request's token. The gateway asks both questions in one round trip;
-- a revoked token's request is not counted (it must not spend the patient's budget) and the answer is {-1, 0, 0}.
-- Returns {admitted 1|0, remaining, ms until the oldest admission leaves the window}.
if KEYS[2] and redis.call('EXISTS', KEYS[2]) == 1 then
  return {-1, 0, 0}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local admitted = 0
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  count = count + 1
  admitted = 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local reset = window
if oldest[2] then
  reset = tonumber(oldest[2]) + window - now
end
return {admitted, limit - count, reset}
