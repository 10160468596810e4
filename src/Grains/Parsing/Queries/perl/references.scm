; CodeIngest's references for Perl (the grammar ships no tags.scm): use/require of modules (pragmas
; such as strict are modules too), the parents named by `use parent`/`use base`, and calls of
; subroutines and methods. Built-in operators the grammar parses as operators (shift, ucfirst…) are
; not calls.

(use_statement module: (package) @name) @reference.import
(require_expression (bareword) @name) @reference.import

((use_statement module: (package) @_pragma [(string_literal (string_content) @name) (quoted_word_list (string_content) @name)]) @reference.inherit
 (#any-of? @_pragma "parent" "base"))

; `use parent -norequire, 'Base'`: the names follow an option.
((use_statement module: (package) @_pragma (list_expression [(string_literal (string_content) @name) (quoted_word_list (string_content) @name)])) @reference.inherit
 (#any-of? @_pragma "parent" "base"))

(function_call_expression function: (function) @name) @reference.call
(ambiguous_function_call_expression function: (function) @name) @reference.call
; A method named by a variable (`$obj->$name()`) has no name to keep.
((method_call_expression invocant: (_) @receiver method: (method) @name) @reference.call
 (#not-match? @name "^\\$"))

; `our @ISA = ('Base')`, `@ISA = qw(A B)` and `push @ISA, 'Base'` name the parents too.
((assignment_expression
   left: [(variable_declaration variable: (array (varname) @_isa)) (array (varname) @_isa)]
   right: [(parenthesized_expression (string_literal (string_content) @name))
           (parenthesized_expression (list_expression (string_literal (string_content) @name)))
           (quoted_word_list (string_content) @name)]) @reference.inherit
 (#eq? @_isa "ISA"))

((ambiguous_function_call_expression
   function: (function) @_push
   arguments: (list_expression (array (varname) @_isa) (string_literal (string_content) @name))) @reference.inherit
 (#eq? @_push "push")
 (#eq? @_isa "ISA"))
