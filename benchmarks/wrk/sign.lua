-- The real sign flow, as many distinct clients: each signature is a GET of the petition page
-- (session cookie + CSRF token) followed by a POST of the form with them, from a client
-- address of its own sent in X-Forwarded-For (the bench trusts one proxy hop: 127.0.0.1).
-- Addresses come from 2001:db8::/32, the range reserved for documentation: only a header.
-- wrk's response() cannot tell which connection answered, so any fresh (cookie, token) pair
-- from a GET is used by the next POST; a pair is used once.
-- Email addresses are spread over big shared providers (ABUSE_SHARED_DOMAINS), as in a real
-- surge: past the per-domain abuse limit, signatures from one private domain are stored as
-- flagged, with no email.
-- Arguments after `--`: petition slug, run number.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_no", #threads)
end

function init(args)
  slug = args[1]
  run = tonumber(args[2])
  page_path = "/petitions/" .. slug
  sign_path = page_path .. "/sign"
  queue, head, tail = {}, 1, 0
  sent = 0
  signed, pages, other = 0, 0, 0
end

local providers = {"gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com",
                   "proton.me", "gmx.de", "web.de", "mail.ru", "qq.com"}

local function client_address()
  sent = sent + 1
  return string.format("2001:db8:%x:%x::%x:%x", run, thread_no, math.floor(sent / 65536),
                       sent % 65536)
end

function request()
  local address = client_address()
  if tail >= head then
    local pair = queue[head]
    queue[head] = nil
    head = head + 1
    local body = "csrf_token=" .. pair[2] .. "&name=Bench+Signer&email=s" .. run .. "-" ..
      thread_no .. "-" .. sent .. "%40" .. providers[sent % #providers + 1] ..
      "&country=BE&postcode=1000&consent_updates=y"
    return wrk.format("POST", sign_path, {
      ["Cookie"] = pair[1],
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Forwarded-For"] = address,
    }, body)
  end
  return wrk.format("GET", page_path, {["X-Forwarded-For"] = address})
end

-- The form's token, found by plain search (no pattern): the page is long and wrk shares the
-- machine with the server it measures.
local token_mark = 'name="csrf_token" type="hidden" value="'

local function csrf_token(body)
  local at = body:find(token_mark, 1, true)
  if not at then
    return nil
  end
  local first = at + #token_mark
  local last = body:find('"', first, true)
  return last and body:sub(first, last - 1)
end

function response(status, headers, body)
  if status == 303 then
    signed = signed + 1
  elseif status == 200 then
    local token = csrf_token(body)
    local cookie = headers["Set-Cookie"] or headers["set-cookie"]
    if token and cookie then
      tail = tail + 1
      queue[tail] = {cookie:match("^([^;]+)"), token}
      pages = pages + 1
    else
      other = other + 1
    end
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local s, p, o = 0, 0, 0
  for _, thread in ipairs(threads) do
    s = s + thread:get("signed")
    p = p + thread:get("pages")
    o = o + thread:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests":%d,"duration_us":%d,"signed":%d,"pages":%d,"other":%d,' ..
    '"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,"errors":{"connect":%d,"read":%d,' ..
    '"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, s, p, o, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, e.connect, e.read, e.write,
    e.status, e.timeout))
end
