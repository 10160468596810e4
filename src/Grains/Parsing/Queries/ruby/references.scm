; CodeIngest's own references for Ruby: require/require_relative/load, calls made with a receiver or
; arguments (a bare identifier may be a local variable, so it is not counted), superclasses and
; include/extend/prepend.
; codeingest: own-references

((call
   !receiver
   method: (identifier) @_method
   arguments: (argument_list . (string (string_content) @name))) @reference.import
 (#any-of? @_method "require" "require_relative" "load"))

(call receiver: (_) @receiver method: (identifier) @name) @reference.call
(call !receiver method: (identifier) @name arguments: (_)) @reference.call

(class superclass: (superclass [(constant) (scope_resolution)] @name)) @reference.inherit
((call
   !receiver
   method: (identifier) @_method
   arguments: (argument_list [(constant) (scope_resolution)] @name)) @reference.inherit
 (#any-of? @_method "include" "extend" "prepend"))
