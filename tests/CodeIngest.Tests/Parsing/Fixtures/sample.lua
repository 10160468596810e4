local M = {}

function M.greet(name)
  return "hi " .. name
end

function M:describe()
  return "module"
end

local function helper(x)
  return x * 2
end

function global_fn()
  return helper(1)
end

return M
