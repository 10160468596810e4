; CodeIngest's own definitions for C++, added to the grammar's tags.scm: a method defined outside its
; class (void Shape::draw() {...}) is qualified by its scope. The grammar cannot tell a class scope from
; a namespace scope there, so `void geo::draw()` is a method of geo too.

(function_definition
  declarator: (function_declarator
    declarator: (qualified_identifier
      scope: (namespace_identifier) @qualifier
      name: (identifier) @name))) @definition.method

; A function defined or declared in a class body is a method; a struct is a struct; a namespace is a module (it
; qualifies what it holds).
(field_declaration_list
  (function_definition
    declarator: (function_declarator declarator: (field_identifier) @name)) @definition.method)

(field_declaration_list
  (field_declaration
    declarator: (function_declarator declarator: (field_identifier) @name) @definition.method))

(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct

(namespace_definition name: (namespace_identifier) @name) @definition.module
