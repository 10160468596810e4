; CodeIngest's definitions for Kotlin (the grammar ships no tags.scm). A `package a.b` header holds
; the rest of the file, so its declarations are qualified `a.b.Name`.

(package_header [(qualified_identifier) (identifier)] @name) @definition.module

((class_declaration "interface" name: (identifier) @name) @definition.interface)

((class_declaration "class" name: (identifier) @name (class_body)?) @definition.class)

(class_declaration name: (identifier) @name (enum_class_body)) @definition.enum

(object_declaration name: (identifier) @name) @definition.class

(source_file (function_declaration name: (identifier) @name) @definition.function)

(class_body (function_declaration name: (identifier) @name) @definition.method)

(enum_class_body (function_declaration name: (identifier) @name) @definition.method)

(type_alias type: (identifier) @name) @definition.type
