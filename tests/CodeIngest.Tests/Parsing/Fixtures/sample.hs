module Geometry (Shape (..), area) where

data Shape = Circle Double | Square Double

class Named a where
  name :: a -> String

area :: Shape -> Double
area (Circle r) = pi * r * r
area (Square s) = s * s

type Point = (Double, Double)
