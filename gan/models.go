package gan

import (
	"math/rand/v2"

	"ganbook/layers"
	"ganbook/tensor"
)

// MLP builds the fully connected network of the toy experiments:
// Linear(sizes[0] → sizes[1]), act, Linear(sizes[1] → sizes[2]), act, ...,
// ending with a Linear and no activation. Weights take Linear's default
// initialisation from r. It panics with tensor.ErrArgument for fewer than
// two sizes.
func MLP(r *rand.Rand, act layers.Module, sizes ...int) *layers.Sequential {
	if len(sizes) < 2 {
		tensor.Panicf(tensor.ErrArgument, "MLP", "need at least input and output sizes, got %v", sizes)
	}
	var mods []layers.Module
	for i := 0; i+1 < len(sizes); i++ {
		if i > 0 {
			mods = append(mods, act)
		}
		mods = append(mods, layers.NewLinear(r, sizes[i], sizes[i+1]))
	}
	return layers.NewSequential(mods...)
}
