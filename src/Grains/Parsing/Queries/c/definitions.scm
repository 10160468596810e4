; CodeIngest's additions to the C grammar's tags.scm (which tags a struct as a class and an enum as a
; type): name them as what they are.

(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct

(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
