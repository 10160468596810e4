; codeingest: replace-tags
; CodeIngest's definitions for Scala, used instead of the grammar's tags.scm (which tags every local
; val and var inside a function body as a definition). A def in a class, trait or object body is a
; method, including abstract ones; vals and vars count only at top level or in a template body.

(package_clause name: (package_identifier) @name) @definition.module

(trait_definition name: (identifier) @name) @definition.interface

(enum_definition name: (identifier) @name) @definition.enum

(class_definition name: (identifier) @name) @definition.class

(object_definition name: (identifier) @name) @definition.object

(type_definition name: (type_identifier) @name) @definition.type

(class_parameter name: (identifier) @name) @definition.property

(compilation_unit (function_definition name: (identifier) @name) @definition.function)

(template_body (function_definition name: (identifier) @name) @definition.method)

(template_body (function_declaration name: (identifier) @name) @definition.method)

(compilation_unit (val_definition pattern: (identifier) @name) @definition.variable)
(template_body (val_definition pattern: (identifier) @name) @definition.variable)
(template_body (var_definition pattern: (identifier) @name) @definition.variable)
(template_body (val_declaration name: (identifier) @name) @definition.variable)
