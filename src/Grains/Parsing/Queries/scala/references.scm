; codeingest: own-references
; CodeIngest's references for Scala: imports (the path as written, which the grammar splits into one
; node per segment: the parser joins them; selectors in braces are the names imported from it),
; extended classes and mixed-in traits, and calls with their receiver (the grammar's tags know only
; calls of a plain name).

(import_declaration . path: (_) @name) @reference.import

(extends_clause [(type_identifier) (stable_type_identifier)] @name) @reference.inherit
(extends_clause (generic_type type: (_) @name)) @reference.inherit

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (field_expression value: (_) @receiver field: (identifier) @name)) @reference.call
(call_expression function: (generic_function function: (identifier) @name)) @reference.call
(call_expression function: (generic_function function: (field_expression value: (_) @receiver field: (identifier) @name))) @reference.call
(instance_expression [(type_identifier) (generic_type type: (_))] @name) @reference.call
