; CodeIngest's own references for C: #include and calls (the grammar's tags.scm has neither).

(preproc_include path: [(string_literal) (system_lib_string)] @name) @reference.import

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (field_expression argument: (_) @receiver field: (field_identifier) @name)) @reference.call
