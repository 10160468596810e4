; codeingest: replace-tags
; CodeIngest's definitions for Swift, used instead of the grammar's tags.scm (which gives a
; method the range of its whole type).

(protocol_declaration name: (type_identifier) @name) @definition.interface

(protocol_function_declaration name: (simple_identifier) @name) @definition.method

(class_declaration declaration_kind: "class" name: (type_identifier) @name) @definition.class

(class_declaration declaration_kind: "actor" name: (type_identifier) @name) @definition.class

(class_declaration declaration_kind: "struct" name: (type_identifier) @name) @definition.struct

(class_declaration declaration_kind: "enum" name: (type_identifier) @name) @definition.enum

(class_body (function_declaration name: (simple_identifier) @name) @definition.method)

(enum_class_body (function_declaration name: (simple_identifier) @name) @definition.method)

(source_file (function_declaration name: (simple_identifier) @name) @definition.function)

(init_declaration name: "init" @name) @definition.constructor
