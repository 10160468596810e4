; CodeIngest's additions to the Scala grammar's tags.scm: a def in a class, trait or object body
; is a method, including abstract ones (which the grammar's tags leave out).

(template_body (function_definition name: (identifier) @name) @definition.method)

(template_body (function_declaration name: (identifier) @name) @definition.method)
