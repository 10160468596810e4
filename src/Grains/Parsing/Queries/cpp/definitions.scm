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

; `class EXPORT_MACRO Name {…}` (V8_EXPORT, LLVM_NODISCARD): the grammar reads the macro as the class name
; and the rest as a function definition named Name with a compound body. Name is the class.
(function_definition
  type: (class_specifier name: (type_identifier))
  declarator: (identifier) @name
  body: (compound_statement)) @definition.class

(function_definition
  type: (struct_specifier name: (type_identifier))
  declarator: (identifier) @name
  body: (compound_statement)) @definition.struct

; A member of a class template defined outside it (`void LoopBase<B, L>::addBlock(...)`) is a method of the
; template; the grammar's tags only know a plain namespace or class name as the scope.
(function_declarator
  declarator: (qualified_identifier
    scope: (template_type name: (type_identifier) @qualifier)
    name: [(identifier) (destructor_name)] @name)) @definition.method

; Operators and destructors (`bool operator==(…)`, `~Widget()`): the grammar's tags only name identifiers.
(function_declarator declarator: [(operator_name) (destructor_name)] @name) @definition.function

(field_declaration_list
  (function_definition
    declarator: (function_declarator declarator: [(operator_name) (destructor_name)] @name)) @definition.method)

(function_declarator
  declarator: (qualified_identifier
    scope: [(namespace_identifier) @qualifier (template_type name: (type_identifier) @qualifier)]
    name: [(operator_name) (destructor_name)] @name)) @definition.method
