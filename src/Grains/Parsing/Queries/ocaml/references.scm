; codeingest: own-references
; CodeIngest's references for OCaml: opened modules, applications of a named function (with the
; module path as receiver) and method invocations; inherited classes. Constructors applied to
; arguments (`Circle 1.0`) are not calls.

(open_module module: (module_path) @name) @reference.import

(application_expression function: (value_path (value_name) @name)) @reference.call
(method_invocation (method_name) @name) @reference.call

(inheritance_definition (class_path (class_name) @name)) @reference.inherit
