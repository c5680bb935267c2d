package metrics_test

import (
	"fmt"

	"ganbook/gan/data"
	"ganbook/gan/metrics"
	"ganbook/tensor"
)

// A generator that has collapsed onto three of the ring's eight modes.
func ExampleModeCoverage() {
	ring := data.Ring8()
	var rows [][]float64
	for _, k := range []int{0, 0, 3, 3, 5, 5} {
		rows = append(rows, ring.Centers[k])
	}
	rows = append(rows, []float64{0, 0}) // one sample in the empty middle
	c := metrics.ModeCoverage(tensor.FromRows(rows), ring.Centers, ring.Std)
	fmt.Println(c)
	fmt.Println(c.Counts)
	// Output:
	// modes 3/8, high quality 85.7%, reverse KL 0.981
	// [2 0 0 2 0 2 0 0]
}

func ExampleW1Exact() {
	a := tensor.FromRows([][]float64{{0, 0}, {0, 1}})
	b := tensor.FromRows([][]float64{{1, 1}, {1, 0}})
	fmt.Println(metrics.W1Exact(a, b), metrics.Assignment(a, b))
	// Output: 1 [1 0]
}

func ExampleW1Between1D() {
	// Half of the mass must travel from 0 to 2: ½·2 = 1.
	fmt.Println(metrics.W1Between1D([]float64{0}, []float64{0, 2}))
	// Output: 1
}
