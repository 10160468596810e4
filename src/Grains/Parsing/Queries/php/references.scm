; CodeIngest's own references for PHP: use, require/include, calls (functions, methods, static calls,
; new) with their receiver, and extends/implements.
; codeingest: own-references

(namespace_use_clause [(qualified_name) (name)] @name) @reference.import
(require_expression [(string) (encapsed_string)] @name) @reference.import
(require_once_expression [(string) (encapsed_string)] @name) @reference.import
(include_expression [(string) (encapsed_string)] @name) @reference.import
(include_once_expression [(string) (encapsed_string)] @name) @reference.import

(function_call_expression function: [(name) (qualified_name)] @name) @reference.call
(member_call_expression object: (_) @receiver name: (name) @name) @reference.call
(nullsafe_member_call_expression object: (_) @receiver name: (name) @name) @reference.call
(scoped_call_expression scope: (_) @receiver name: (name) @name) @reference.call
(object_creation_expression [(name) (qualified_name)] @name) @reference.call

(base_clause [(name) (qualified_name)] @name) @reference.inherit
(class_interface_clause [(name) (qualified_name)] @name) @reference.inherit
