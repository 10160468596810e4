; CodeIngest's additions to the grammar's tags (which leave out constructors and #private methods).

(method_definition
  name: (property_identifier) @name
  (#eq? @name "constructor")) @definition.constructor

(method_definition name: (private_property_identifier) @name) @definition.method
