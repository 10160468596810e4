; CodeIngest's definitions for Julia (the grammar ships no tags.scm).

(module_definition name: (identifier) @name) @definition.module

(function_definition (signature (call_expression . (identifier) @name))) @definition.function

(function_definition (signature (typed_expression . (call_expression . (identifier) @name)))) @definition.function

(function_definition (signature (where_expression . (call_expression . (identifier) @name)))) @definition.function

; Short form at top level or in a module: f(x) = ...
(source_file (assignment . (call_expression . (identifier) @name)) @definition.function)

(module_definition (assignment . (call_expression . (identifier) @name)) @definition.function)

(macro_definition (signature (call_expression . (identifier) @name))) @definition.macro

(struct_definition (type_head (identifier) @name)) @definition.struct

(struct_definition (type_head (binary_expression . (identifier) @name))) @definition.struct

(abstract_definition (type_head (identifier) @name)) @definition.type

(abstract_definition (type_head (binary_expression . (identifier) @name))) @definition.type
