-- wrk script: POST the body in the file named after "--", with the content
-- type given as the second argument (default application/json).
--   wrk -s bench/post_body.lua URL -- body.json [content-type]
function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = args[2] or "application/json"
end
