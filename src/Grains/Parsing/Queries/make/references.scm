; CodeIngest's references for Make: included makefiles are imports; `$(call name,args)` calls the
; macro `name` (the grammar gives the name and its arguments as one text: the parser keeps the part
; before the first comma).

(include_directive filenames: (list (word) @name)) @reference.import

(function_call function: "call" (arguments . (text) @name)) @reference.call
