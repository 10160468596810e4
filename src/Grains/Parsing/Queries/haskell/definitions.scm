; CodeIngest's definitions for Haskell (the grammar ships no tags.scm). Each equation of a
; function is its own definition (a function defined by three equations is listed three times).

(header module: (module) @name) @definition.module

(declarations (function name: (variable) @name) @definition.function)

(declarations (bind name: (variable) @name) @definition.function)

(data_type name: (name) @name) @definition.type

(newtype name: (name) @name) @definition.type

(type_synomym name: (name) @name) @definition.type

(type_family name: (name) @name) @definition.type

(class name: (name) @name) @definition.interface

; A method a class declares (its type signature in the class body).
(class declarations: (class_declarations (signature name: (variable) @name) @definition.method))

; A method an instance implements, qualified by the instance's type (`instance Named Shape` gives Shape.name).
(instance
  patterns: (type_patterns . (name) @qualifier)
  declarations: (instance_declarations (function name: (variable) @name) @definition.method))
