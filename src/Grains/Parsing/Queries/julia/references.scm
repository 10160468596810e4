; CodeIngest's references for Julia (the grammar ships no tags.scm): using/import of modules,
; include("file"), the supertype of a struct or abstract type (`<:`), and calls. A function's own
; signature also parses as a call; the parser drops calls that sit on a definition's name.

(using_statement [(identifier) (scoped_identifier)] @name) @reference.import
(using_statement (selected_import . [(identifier) (scoped_identifier)] @name)) @reference.import
(import_statement [(identifier) (scoped_identifier)] @name) @reference.import
(import_statement (selected_import . [(identifier) (scoped_identifier)] @name)) @reference.import
((call_expression . (identifier) @_include (argument_list . (string_literal) @name)) @reference.import
 (#eq? @_include "include"))

((type_head (binary_expression . (identifier) (operator) @_subtype . (identifier) @name)) @reference.inherit
 (#eq? @_subtype "<:"))

(call_expression . (identifier) @name) @reference.call
(call_expression . (field_expression value: (_) @receiver . (identifier) @name .)) @reference.call
