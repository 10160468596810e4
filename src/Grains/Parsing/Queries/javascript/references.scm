; CodeIngest's own references for JavaScript: imports, re-exports, require() and extends, and calls with
; their receiver and constructor calls.

(import_statement source: (string) @name) @reference.import
(export_statement source: (string) @name) @reference.import
((call_expression
   function: (identifier) @_require
   arguments: (arguments . (string) @name)) @reference.import
 (#eq? @_require "require"))
((call_expression
   function: (import)
   arguments: (arguments . (string) @name)) @reference.import)

(class_heritage [(identifier) (member_expression)] @name) @reference.inherit

; codeingest: own-references
; Calls with their receiver (the grammar's tags capture the arguments, not the call) and constructor calls.
(call_expression function: (identifier) @name) @reference.call
(call_expression function: (member_expression object: (_) @receiver property: (property_identifier) @name)) @reference.call
(new_expression constructor: (identifier) @name) @reference.call
(new_expression constructor: (member_expression object: (_) @receiver property: (property_identifier) @name)) @reference.call
