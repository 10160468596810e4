; CodeIngest's references for Dart (the grammar ships no tags.scm): imported and exported URIs,
; superclass, mixins and interfaces, and calls. The grammar has no call node: a call is a name
; followed by a selector holding the arguments, or a member selector followed by one.

(import_specification (configurable_uri (uri (string_literal) @name))) @reference.import
(library_export (configurable_uri (uri (string_literal) @name))) @reference.import

(superclass (type_identifier) @name) @reference.inherit
(mixins (type_identifier) @name) @reference.inherit
(interfaces (type_identifier) @name) @reference.inherit

((identifier) @name @reference.call . (selector (argument_part)))
((selector [(unconditional_assignable_selector (identifier) @name) (conditional_assignable_selector (identifier) @name)]) @reference.call
 . (selector (argument_part)))
