; CodeIngest's own references for TypeScript: imports, re-exports, require(), extends and implements
; calls with their receiver and constructor calls.

(import_statement source: (string) @name) @reference.import
(export_statement source: (string) @name) @reference.import
((call_expression
   function: (identifier) @_require
   arguments: (arguments . (string) @name)) @reference.import
 (#eq? @_require "require"))
(import_require_clause source: (string) @name) @reference.import

(extends_clause value: [(identifier) (member_expression)] @name) @reference.inherit
(implements_clause [(type_identifier) (nested_type_identifier)] @name) @reference.inherit
(implements_clause (generic_type name: (_) @name)) @reference.inherit
(extends_type_clause type: [(type_identifier) (nested_type_identifier)] @name) @reference.inherit
(extends_type_clause type: (generic_type name: (_) @name)) @reference.inherit
; codeingest: own-references
; Calls with their receiver (the grammar's tags capture the arguments, not the call) and constructor calls.
(call_expression function: (identifier) @name) @reference.call
(call_expression function: (member_expression object: (_) @receiver property: (property_identifier) @name)) @reference.call
(new_expression constructor: (identifier) @name) @reference.call
(new_expression constructor: (member_expression object: (_) @receiver property: (property_identifier) @name)) @reference.call
