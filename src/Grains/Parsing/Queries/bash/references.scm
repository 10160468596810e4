; CodeIngest's references for Bash (the grammar ships no tags.scm): sourced files (`source f`,
; `. f`) are imports, every other command (functions, builtins, programs) is a call.

((command name: (command_name) @_source . argument: (_) @name) @reference.import
 (#any-of? @_source "source" "."))

((command name: (command_name) @name) @reference.call
 (#not-any-of? @name "source" "."))
