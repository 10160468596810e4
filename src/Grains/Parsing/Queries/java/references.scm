; CodeIngest's own references for Java: imports, calls with their receiver, constructor calls,
; extends and implements.

(import_declaration [(scoped_identifier) (identifier)] @name) @reference.import

(method_invocation object: (_) @receiver name: (identifier) @name) @reference.call
(method_invocation !object name: (identifier) @name) @reference.call
(object_creation_expression type: [(type_identifier) (scoped_type_identifier)] @name) @reference.call
(object_creation_expression type: (generic_type [(type_identifier) (scoped_type_identifier)] @name)) @reference.call

(superclass [(type_identifier) (scoped_type_identifier)] @name) @reference.inherit
(superclass (generic_type [(type_identifier) (scoped_type_identifier)] @name)) @reference.inherit
(super_interfaces (type_list [(type_identifier) (scoped_type_identifier)] @name)) @reference.inherit
(super_interfaces (type_list (generic_type [(type_identifier) (scoped_type_identifier)] @name))) @reference.inherit
(extends_interfaces (type_list [(type_identifier) (scoped_type_identifier)] @name)) @reference.inherit
(extends_interfaces (type_list (generic_type [(type_identifier) (scoped_type_identifier)] @name))) @reference.inherit
