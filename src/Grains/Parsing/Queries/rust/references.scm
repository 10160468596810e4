; CodeIngest's own references for Rust: use and extern crate, trait implementations (the source is the
; implementing type) and scoped calls (other calls come from the grammar's tags.scm).

(use_declaration argument: (_) @name) @reference.import
(extern_crate_declaration name: (identifier) @name) @reference.import

(impl_item
  trait: [(type_identifier) (scoped_type_identifier)] @name
  type: [(type_identifier) @qualifier (generic_type type: (type_identifier) @qualifier)]) @reference.inherit
(impl_item
  trait: (generic_type type: [(type_identifier) (scoped_type_identifier)] @name)
  type: [(type_identifier) @qualifier (generic_type type: (type_identifier) @qualifier)]) @reference.inherit

(call_expression function: (scoped_identifier name: (identifier) @name)) @reference.call
(call_expression function: (generic_function function: (identifier) @name)) @reference.call
