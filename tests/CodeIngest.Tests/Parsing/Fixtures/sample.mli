open Format

type shape

val area : shape -> float

val unit_circle : shape

module Registry : sig
  val add : shape -> unit
end
