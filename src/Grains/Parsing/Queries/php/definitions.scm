; CodeIngest's additions to the PHP grammar's tags.scm, which tags methods as functions.

(method_declaration name: (name) @name) @definition.method
