type shape = Circle of float | Square of float

let area = function
  | Circle r -> 3.14 *. r *. r
  | Square s -> s *. s

module Registry = struct
  let shapes = ref []

  let add s = shapes := s :: !shapes
end

class counter = object
  val mutable n = 0
  method incr = n <- n + 1
end
