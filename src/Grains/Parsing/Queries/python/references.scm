; CodeIngest's own references for Python: imports and base classes (calls come from the grammar's tags.scm).

(import_statement name: (dotted_name) @name) @reference.import
(import_statement name: (aliased_import name: (dotted_name) @name)) @reference.import
(import_from_statement module_name: [(dotted_name) (relative_import)] @name) @reference.import

(class_definition
  superclasses: (argument_list [(identifier) (attribute)] @name)) @reference.inherit
