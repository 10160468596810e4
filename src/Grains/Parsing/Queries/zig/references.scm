; CodeIngest's references for Zig (the grammar ships no tags.scm): @import("…") and calls with
; their receiver.

((builtin_function (builtin_identifier) @_import (arguments . (string) @name)) @reference.import
 (#eq? @_import "@import"))

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (field_expression object: (_) @receiver member: (identifier) @name)) @reference.call
