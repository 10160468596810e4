module Shapes

using LinearAlgebra
using Statistics: mean
import Base.show
include("util.jl")

abstract type Shape end

struct Circle <: Shape
    r::Float64
end

function area(c::Circle)
    return pi * square(c.r)
end

square(x) = x * x

function describe(shapes)
    println(mean(map(area, shapes)))
    Base.show(stdout, shapes)
end

macro twice(ex)
    :($ex; $ex)
end

end
