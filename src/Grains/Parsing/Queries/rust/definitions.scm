; CodeIngest's own definitions for Rust, added to the grammar's tags.scm: a function in an impl block is
; a method qualified by the implementing type (Type.method).

(impl_item
  type: [(type_identifier) @qualifier (generic_type type: (type_identifier) @qualifier)]
  body: (declaration_list (function_item name: (identifier) @name) @definition.method))
