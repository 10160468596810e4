; CodeIngest's definitions for Make: rule targets (special targets such as .PHONY left out) and
; multi-line variables (define ... endef).

((rule (targets (word) @name)) @definition.target
  (#not-match? @name "^\\."))

(define_directive name: (word) @name) @definition.macro
