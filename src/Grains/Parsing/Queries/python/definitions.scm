; CodeIngest's own definitions for Python, added to the grammar's tags.scm.
; A function directly in a class body (decorated or not) is a method; the grammar tags it as a function
; and the more specific kind wins when both tag the same node.

(class_definition
  body: (block
    (function_definition name: (identifier) @name) @definition.method))

(class_definition
  body: (block
    (decorated_definition
      definition: (function_definition name: (identifier) @name) @definition.method)))

; A lambda bound to a name (`key = lambda x: x.name`) defines a function of that name.
(assignment left: (identifier) @name right: (lambda)) @definition.function
