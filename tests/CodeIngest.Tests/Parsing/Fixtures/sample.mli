type shape

val area : shape -> float

module Registry : sig
  val add : shape -> unit
end
