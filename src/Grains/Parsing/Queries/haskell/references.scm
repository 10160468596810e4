; CodeIngest's references for Haskell (the grammar ships no tags.scm): imported modules, the class
; an instance implements (with the instance's type as the source), and function applications.

(import module: (module) @name) @reference.import

(instance name: (name) @name patterns: (type_patterns . (name) @qualifier)) @reference.inherit

(apply function: (variable) @name) @reference.call
(apply function: (qualified module: (module) @receiver id: (variable) @name)) @reference.call
