; CodeIngest's references for HCL/Terraform (the grammar ships no tags.scm): the source of a module
; block is an import, built-in function calls are calls.

((block
   (identifier) @_module
   (body
     (attribute
       (identifier) @_source
       (expression (literal_value (string_lit (template_literal) @name)))))) @reference.import
 (#eq? @_module "module")
 (#eq? @_source "source"))

(function_call (identifier) @name) @reference.call
