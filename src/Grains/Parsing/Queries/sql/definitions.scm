; CodeIngest's definitions for SQL: the objects a script creates.

(create_table (object_reference name: (identifier) @name)) @definition.table

(create_view (object_reference name: (identifier) @name)) @definition.view

(create_function (object_reference name: (identifier) @name)) @definition.function
