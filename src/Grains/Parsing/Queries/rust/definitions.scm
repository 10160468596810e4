; CodeIngest's own definitions for Rust, added to the grammar's tags.scm: a function in an impl block is
; a method qualified by the implementing type (Type.method).

(impl_item
  type: [(type_identifier) @qualifier (generic_type type: (type_identifier) @qualifier)]
  body: (declaration_list (function_item name: (identifier) @name) @definition.method))

; The grammar tags structs, enums, unions and type aliases as classes: name them as what they are.
(struct_item name: (type_identifier) @name) @definition.struct
(union_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(type_item name: (type_identifier) @name) @definition.type
