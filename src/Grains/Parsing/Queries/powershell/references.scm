; CodeIngest's references for PowerShell (the grammar ships no tags.scm). The grammar parses
; `using module X` and `Import-Module X` as commands: both are imports, and so is dot-sourcing
; (`. ./file.ps1`). Every other command and every method invocation is a call; a class's base
; class and interfaces are inheritance.

((command
   command_name: (command_name) @_using
   command_elements: (command_elements (generic_token) @name .)) @reference.import
 (#eq? @_using "using"))
((command
   command_name: (command_name) @_import
   command_elements: (command_elements . (command_argument_sep)? . (generic_token) @name)) @reference.import
 (#match? @_import "^(?i)import-module$"))
((command
   (command_invokation_operator) @_dot
   command_name: (command_name_expr (command_name) @name)) @reference.import
 (#eq? @_dot "."))

(class_statement . (simple_name) (simple_name) @name) @reference.inherit

((command command_name: (command_name) @name) @reference.call
 (#not-eq? @name "using"))
(invokation_expression . (_) @receiver (member_name (simple_name) @name)) @reference.call
