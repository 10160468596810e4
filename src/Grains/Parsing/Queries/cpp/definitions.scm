; CodeIngest's own definitions for C++, added to the grammar's tags.scm: a method defined outside its
; class (void Shape::draw() {...}) is qualified by the class.

(function_definition
  declarator: (function_declarator
    declarator: (qualified_identifier
      scope: (namespace_identifier) @qualifier
      name: (identifier) @name))) @definition.method
