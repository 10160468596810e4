; CodeIngest's references for OCaml interfaces: opened modules.

(open_module module: (module_path) @name) @reference.import
