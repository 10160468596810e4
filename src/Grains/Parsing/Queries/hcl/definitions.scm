; CodeIngest's definitions for HCL / Terraform: named blocks. The name is the block's last label
; (`resource "aws_instance" "web"` is `web`, kind resource).

((block (identifier) @type . (string_lit) . (string_lit (template_literal) @name) . (block_start)) @definition.resource
  (#any-of? @type "resource" "data"))

((block (identifier) @type . (string_lit (template_literal) @name) . (block_start)) @definition.module
  (#eq? @type "module"))

((block (identifier) @type . (string_lit (template_literal) @name) . (block_start)) @definition.variable
  (#eq? @type "variable"))

((block (identifier) @type . (string_lit (template_literal) @name) . (block_start)) @definition.output
  (#eq? @type "output"))
