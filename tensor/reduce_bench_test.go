package tensor

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkMaxKeepArgMaxout is maxout's forward reduction in the toy
// discriminators: (100, 32, 5), the best of five pieces per unit.
func BenchmarkMaxKeepArgMaxout(b *testing.B) {
	x := RandN(rand.New(rand.NewPCG(1, 2)), 100, 32, 5)
	for b.Loop() {
		v, _ := MaxKeepArg(x, 2)
		Recycle(v)
	}
}
