; CodeIngest's own references for Elixir: alias/import/require/use of a module (calls come from the
; grammar's tags.scm, without the definition keywords).

((call
   target: (identifier) @_keyword
   (arguments . (alias) @name)) @reference.import
 (#any-of? @_keyword "alias" "import" "require" "use"))

; `use GenServer` mixes the module's code in (as Ruby's include does) and `@behaviour Mod` promises
; its callbacks: both make the module a kind of the other.
((call
   target: (identifier) @_keyword
   (arguments . (alias) @name)) @reference.inherit
 (#eq? @_keyword "use"))

((unary_operator
   operator: "@"
   operand: (call target: (identifier) @_attribute (arguments . (alias) @name))) @reference.inherit
 (#any-of? @_attribute "behaviour" "behavior"))
