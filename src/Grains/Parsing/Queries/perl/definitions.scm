; CodeIngest's definitions for Perl (the grammar ships no tags.scm): packages and subroutines.

(package_statement name: (package) @name) @definition.module

(subroutine_declaration_statement name: (bareword) @name) @definition.function
