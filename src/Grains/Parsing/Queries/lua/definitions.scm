; CodeIngest's additions to the Lua grammar's tags.scm: a function stored in a table
; (`function M.greet()`, `function M:describe()`) is qualified by the table's name.

(function_declaration
  name: (dot_index_expression table: (identifier) @qualifier field: (identifier) @name)) @definition.function

(function_declaration
  name: (method_index_expression table: (identifier) @qualifier method: (identifier) @name)) @definition.method
