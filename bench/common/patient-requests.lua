-- wrk script: each request is made for one patient with that patient's own token, patients picked at random, so
-- the server sees many distinct tokens, compartments and rate-limit keys (as in production), not one hot key.
-- Usage: wrk ... -s patient-requests.lua URL -- TOKENS_FILE PATH_TEMPLATE
--   TOKENS_FILE: "patient-id token" lines (BenchTokens.java); PATH_TEMPLATE: {patient} is replaced by the id,
--   default /fhir/Patient/{patient}
local requests = {}

function init(args)
  local template = args[2] or "/fhir/Patient/{patient}"
  for line in io.lines(args[1]) do
    local patient, token = line:match("^(%S+) (%S+)$")
    local path = template:gsub("{patient}", patient)
    requests[#requests + 1] = wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
  end
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
end

function request()
  return requests[math.random(#requests)]
end
