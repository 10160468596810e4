; CodeIngest's references for Kotlin (the grammar ships no tags.scm): imports as written (a
; wildcard import gives its package), supertypes of a class or object, calls with their receiver.

(import (qualified_identifier) @name) @reference.import

(delegation_specifier (user_type) @name) @reference.inherit
(delegation_specifier (constructor_invocation (user_type) @name)) @reference.inherit

(call_expression . (identifier) @name) @reference.call
(call_expression . (navigation_expression . (_) @receiver (identifier) @name .)) @reference.call
