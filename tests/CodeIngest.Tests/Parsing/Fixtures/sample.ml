open Printf
module S = Stdlib.String

type shape = Circle of float | Square of float

let square x = x *. x

let area = function
  | Circle r -> Float.pi *. square r
  | Square s -> square s

module Registry = struct
  let items = ref []
  let add x = items := x :: !items
end

class counter = object
  val mutable n = 0
  method incr = n <- n + 1
end

class loud_counter = object
  inherit counter
  method shout = print_endline "!"
end

let () = printf "%f\n" (area (Circle 1.0)); Registry.add 1
