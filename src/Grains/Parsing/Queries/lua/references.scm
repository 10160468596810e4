; CodeIngest's references for Lua: require("module") (also `require "module"`) is an import; calls
; come from the grammar's tags.scm.

((function_call
   name: (identifier) @_require
   arguments: (arguments . (string content: (string_content) @name))) @reference.import
 (#eq? @_require "require"))
