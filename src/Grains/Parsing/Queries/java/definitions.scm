; CodeIngest's own definitions for Java, added to the grammar's tags.scm (which has no constructors,
; enums, records, annotation types or packages). A `package a.b;` statement holds the rest of the
; file, so its classes are qualified `a.b.Class`.

(package_declaration [(scoped_identifier) (identifier)] @name) @definition.module

(constructor_declaration name: (identifier) @name) @definition.constructor

(compact_constructor_declaration name: (identifier) @name) @definition.constructor

(enum_declaration name: (identifier) @name) @definition.enum

(record_declaration name: (identifier) @name) @definition.class

(annotation_type_declaration name: (identifier) @name) @definition.interface
