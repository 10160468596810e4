; CodeIngest's own references for Elixir: alias/import/require/use of a module (calls come from the
; grammar's tags.scm, without the definition keywords).

((call
   target: (identifier) @_keyword
   (arguments . (alias) @name)) @reference.import
 (#any-of? @_keyword "alias" "import" "require" "use"))
