package plot

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestXY(t *testing.T) {
	assert.Equal(t, []Point{{X: 1, Y: 10}, {X: 2, Y: 20}, {X: 3, Y: -5}}, XY([]float64{1, 2, 3}, []float64{10, 20, -5}))
	assert.Empty(t, XY(nil, nil))
	assertArgumentPanic(t, "plot: XY: bad argument 3 x values and 2 y values, want as many of each", func() { XY([]float64{1, 2, 3}, []float64{1, 2}) })
	assertArgumentPanic(t, "plot: XY: bad argument 1 x values and 2 y values, want as many of each", func() { XY([]float64{1}, []float64{1, 2}) })
}

func ExampleXY() {
	steps := []float64{0, 100, 200}
	fid := []float64{1285, 80.5, 41}
	fmt.Println(XY(steps, fid))
	// Output:
	// [{0 1285} {100 80.5} {200 41}]
}
