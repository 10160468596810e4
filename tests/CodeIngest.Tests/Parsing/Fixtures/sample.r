library(stats)
require("utils")
source("helpers.R")

# Area of a circle.
area <- function(r) {
  pi * square(r)
}

square = function(x) x * x

summarise <- function(values) {
  m <- stats::median(values)
  print(round(m, 2))
}

summarise(c(area(1), area(2)))
