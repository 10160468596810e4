module Shapes

struct Circle
    r::Float64
end

abstract type Shape end

function area(c::Circle)
    return pi * c.r^2
end

perimeter(c::Circle) = 2pi * c.r

macro twice(ex)
    :($ex; $ex)
end

end
