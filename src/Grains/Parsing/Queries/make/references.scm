; CodeIngest's references for Make: included makefiles are imports. `$(call name,args)` is not kept:
; the grammar gives the name and its arguments as one text.

(include_directive filenames: (list (word) @name)) @reference.import
