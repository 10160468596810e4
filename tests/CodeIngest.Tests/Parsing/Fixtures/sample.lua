local json = require("json")
local util = require "lib.util"

local M = {}

-- Greets someone.
function M.greet(name)
    return "Hello, " .. util.trim(name)
end

function M:describe()
    return json.encode(self)
end

local function helper(x)
    return tostring(x)
end

function global_fn()
    print(helper(1))
end

return M
