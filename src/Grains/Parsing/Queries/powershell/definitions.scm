; CodeIngest's definitions for PowerShell (the grammar ships no tags.scm): functions and filters,
; classes and their methods.

(function_statement (function_name) @name) @definition.function

(class_statement . (simple_name) @name) @definition.class

(class_method_definition (simple_name) @name) @definition.method
