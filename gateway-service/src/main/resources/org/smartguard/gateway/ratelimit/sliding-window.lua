-- A sliding-window log: one sorted set per key holding the admission times of the last window.
-- Chosen over GCRA and token buckets because it is exact at the window edges: no rolling window of
-- the window's length ever holds more than the limit's admissions, whichever replica admitted them, while GCRA with
-- a burst of N admits N at once and then one more every window/N, i.e. up to 2N in a window. Memory is one
-- entry per admission (at most the limit per key), which is small for per-minute limits.
-- The time is Redis' own clock, so replicas with skewed clocks still share one window.
-- One call counts one or more requests (the requests an event loop of a gateway read in one pass, see
-- RedisSlidingWindow), each exactly as if alone, in order: the script runs atomically, so requests on the same key
-- in one call see each other's admissions. For request i (from 1):
--   KEYS[2i-1] its window; KEYS[2i] the denylist key of its token, asked only when ARGV[4i] is '1' (else a repeat
--   of the window key);
--   ARGV[4i-3] limit; ARGV[4i-2] window in ms; ARGV[4i-1] a member unique to the request; ARGV[4i] '1' or '0'.
-- A revoked token's request is not counted (it must not spend the patient's budget) and its answer is -1, 0, 0.
-- Returns, for each request in order, admitted 1|0, remaining, ms until the oldest admission leaves the window.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local answers = {}
for i = 1, #ARGV / 4 do
  local key = KEYS[2 * i - 1]
  local arg = 4 * (i - 1)
  if ARGV[arg + 4] == '1' and redis.call('EXISTS', KEYS[2 * i]) == 1 then
    answers[#answers + 1] = -1
    answers[#answers + 1] = 0
    answers[#answers + 1] = 0
  else
    local limit = tonumber(ARGV[arg + 1])
    local window = tonumber(ARGV[arg + 2])
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
    local count = redis.call('ZCARD', key)
    local admitted = 0
    if count < limit then
      redis.call('ZADD', key, now, ARGV[arg + 3])
      redis.call('PEXPIRE', key, window)
      count = count + 1
      admitted = 1
    end
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local reset = window
    if oldest[2] then
      reset = tonumber(oldest[2]) + window - now
    end
    answers[#answers + 1] = admitted
    answers[#answers + 1] = limit - count
    answers[#answers + 1] = reset
  end
end
return answers
