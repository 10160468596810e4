; CodeIngest's own definitions for C#, added to the grammar's tags.scm (which has no constructors,
; records, structs, enums or file-scoped namespaces).

(constructor_declaration name: (identifier) @name) @definition.constructor

(record_declaration name: (identifier) @name) @definition.class

(struct_declaration name: (identifier) @name) @definition.struct

(enum_declaration name: (identifier) @name) @definition.enum

(file_scoped_namespace_declaration name: (_) @name) @definition.module
