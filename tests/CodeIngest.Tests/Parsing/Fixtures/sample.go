package shapes

import (
	"fmt"
	"strings"
)

// Circle is round.
type Circle struct {
	Base
	R float64
}

// Area computes the area.
func (c *Circle) Area(scale float64) float64 {
	if scale > 1 {
		fmt.Println(strings.ToUpper("big"))
	}
	return c.R * c.R
}

func New() *Circle {
	return &Circle{}
}
