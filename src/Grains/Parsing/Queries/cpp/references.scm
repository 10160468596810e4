; CodeIngest's own references for C++: #include, calls (free, member, qualified, template) and base classes.

(preproc_include path: [(string_literal) (system_lib_string)] @name) @reference.import

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (field_expression argument: (_) @receiver field: (field_identifier) @name)) @reference.call
(call_expression function: (qualified_identifier name: (identifier) @name)) @reference.call
(call_expression function: (qualified_identifier name: (qualified_identifier name: (identifier) @name))) @reference.call
(call_expression function: (template_function name: (identifier) @name)) @reference.call
(call_expression function: (qualified_identifier name: (template_function name: (identifier) @name))) @reference.call
(new_expression type: (type_identifier) @name) @reference.call

(base_class_clause [(type_identifier) (qualified_identifier)] @name) @reference.inherit
(base_class_clause (template_type name: (type_identifier) @name)) @reference.inherit
