; CodeIngest's definitions for Zig (the grammar ships no tags.scm). Types are constants bound to a
; container: `const Point = struct { ... };`.

(variable_declaration (identifier) @name (struct_declaration)) @definition.struct

(variable_declaration (identifier) @name (enum_declaration)) @definition.enum

(variable_declaration (identifier) @name (union_declaration)) @definition.struct

(source_file (function_declaration name: (identifier) @name) @definition.function)

(struct_declaration (function_declaration name: (identifier) @name) @definition.method)

(enum_declaration (function_declaration name: (identifier) @name) @definition.method)

(union_declaration (function_declaration name: (identifier) @name) @definition.method)
