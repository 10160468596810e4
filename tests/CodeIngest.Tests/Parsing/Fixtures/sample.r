library(stats)

area <- function(r) {
  pi * r^2
}

perimeter = function(r) 2 * pi * r

scale_by <<- function(x, k) x * k

result <- area(2)
