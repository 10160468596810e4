module Geometry (Shape (..), area) where

import Data.List (sortBy)
import qualified Data.Map as Map

data Shape = Circle Double | Square Double

class Named a where
  name :: a -> String

instance Named Shape where
  name _ = "shape"

area :: Shape -> Double
area (Circle r) = pi * square r
area (Square s) = square s

square :: Double -> Double
square x = x * x

total :: [Shape] -> Double
total shapes = sum (map area shapes)

type Point = (Double, Double)
