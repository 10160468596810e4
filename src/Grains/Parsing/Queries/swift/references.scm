; CodeIngest's references for Swift (its definitions replace the grammar's tags, so these are the
; only references): imports, superclasses and adopted protocols, calls with their receiver.
; The grammar parses `a * f(x)` as a call of the whole product (a known precedence problem of
; tree-sitter-swift 0.7.1): such a call is missed.

(import_declaration (identifier) @name) @reference.import

(inheritance_specifier inherits_from: (user_type) @name) @reference.inherit

(call_expression . (simple_identifier) @name) @reference.call
(call_expression
  . (navigation_expression
      target: (_) @receiver
      suffix: (navigation_suffix suffix: (simple_identifier) @name))) @reference.call
