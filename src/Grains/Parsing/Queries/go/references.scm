; CodeIngest's own references for Go: imports and embedded types (calls come from the grammar's tags.scm).

(import_spec path: (interpreted_string_literal) @name) @reference.import

(field_declaration !name type: [(type_identifier) (qualified_type)] @name) @reference.inherit
(field_declaration !name type: (pointer_type [(type_identifier) (qualified_type)] @name)) @reference.inherit
(interface_type (type_elem [(type_identifier) (qualified_type)] @name)) @reference.inherit
