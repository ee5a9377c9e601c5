-- wrk script: each request reads one patient's record with that patient's own token, patients picked at random,
-- so a proxy sees many distinct tokens and rate-limit keys (as in production), not one hot key.
-- Usage: wrk ... -s patient-requests.lua URL -- TOKENS_FILE PATH_PREFIX
local requests = {}

function init(args)
  local prefix = args[2] or "/fhir/Patient/"
  for line in io.lines(args[1]) do
    local patient, token = line:match("^(%S+) (%S+)$")
    requests[#requests + 1] = wrk.format("GET", prefix .. patient, { ["Authorization"] = "Bearer " .. token })
  end
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
end

function request()
  return requests[math.random(#requests)]
end

-- every non-2xx answer is counted by wrk as "Non-2xx or 3xx responses"; the runner treats any as a failed run
