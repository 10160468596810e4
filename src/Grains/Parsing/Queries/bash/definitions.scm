; CodeIngest's definitions for Bash (the grammar ships no tags.scm): functions, in both
; `name() { }` and `function name { }` forms.

(function_definition name: (word) @name) @definition.function
