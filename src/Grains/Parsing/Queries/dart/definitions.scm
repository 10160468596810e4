; CodeIngest's definitions for Dart (the grammar ships no tags.scm). A function's or method's
; body is a sibling of its signature; the parser widens the range to cover it.

(class_definition name: (identifier) @name) @definition.class

(mixin_declaration . (identifier) @name) @definition.class

(extension_declaration name: (identifier) @name) @definition.class

(enum_declaration name: (identifier) @name) @definition.enum

(program (function_signature name: (identifier) @name) @definition.function)

(class_body (method_signature (function_signature name: (identifier) @name)) @definition.method)

(class_body (method_signature (getter_signature name: (identifier) @name)) @definition.method)

(class_body (method_signature (setter_signature name: (identifier) @name)) @definition.method)

(class_body (declaration (function_signature name: (identifier) @name)) @definition.method)

(constructor_signature name: (identifier) @name) @definition.constructor
