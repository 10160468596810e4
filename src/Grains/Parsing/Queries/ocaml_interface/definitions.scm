; CodeIngest's additions to the OCaml interface grammar's tags.scm: a `val` declared with a function
; type is a function, any other `val` a constant.

(value_specification (value_name) @name type: (function_type)) @definition.function

(value_specification (value_name) @name type: [(type_constructor_path) (constructed_type) (tuple_type) (polymorphic_type) (labeled_argument_type)]) @definition.constant
