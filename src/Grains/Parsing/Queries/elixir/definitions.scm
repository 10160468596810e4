; CodeIngest's additions to the Elixir grammar's tags.scm (which tags macros as functions): a
; defmacro or defmacrop is a macro.

((call
   target: (identifier) @_keyword
   (arguments
     [(identifier) @name
      (call target: (identifier) @name)
      (binary_operator left: (call target: (identifier) @name) operator: "when")]))
 @definition.macro
 (#any-of? @_keyword "defmacro" "defmacrop"))
