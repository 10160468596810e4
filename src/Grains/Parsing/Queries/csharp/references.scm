; CodeIngest's own references for C#: using directives, calls with their receiver, constructor calls
; and base types (the grammar's tags.scm has none of these).

(using_directive [(qualified_name) (identifier)] @name) @reference.import

(invocation_expression
  function: (member_access_expression expression: (_) @receiver name: (identifier) @name)) @reference.call
(invocation_expression
  function: (member_access_expression expression: (_) @receiver name: (generic_name (identifier) @name))) @reference.call
(invocation_expression function: (identifier) @name) @reference.call
(invocation_expression function: (generic_name (identifier) @name)) @reference.call
(object_creation_expression type: [(identifier) (qualified_name)] @name) @reference.call
(object_creation_expression type: (generic_name (identifier) @name)) @reference.call

(base_list [(identifier) (qualified_name)] @name) @reference.inherit
(base_list (generic_name (identifier) @name)) @reference.inherit
(base_list (primary_constructor_base_type type: [(identifier) (qualified_name)] @name)) @reference.inherit
