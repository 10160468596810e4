; CodeIngest's references for R: library()/require()/requireNamespace() of a package and source()
; of a file are imports (they stay calls too); calls come from the grammar's tags.scm.

((call
   function: (identifier) @_load
   arguments: (arguments . (argument value: [(identifier) (string)] @name))) @reference.import
 (#any-of? @_load "library" "require" "requireNamespace" "loadNamespace" "source"))
