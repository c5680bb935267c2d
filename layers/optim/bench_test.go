package optim_test

import (
	"math/rand/v2"
	"testing"

	"ganbook/autograd"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// benchStep times one Step over n parameters in 4 tensors, every one with
// a gradient.
func benchStep(b *testing.B, newOpt func([]*autograd.Var) optim.Optimizer, n int) {
	r := rand.New(rand.NewPCG(1, 2))
	params := make([]*autograd.Var, 4)
	for i := range params {
		params[i] = autograd.Param(tensor.RandN(r, n/4))
		params[i].Grad = tensor.RandN(r, n/4)
	}
	opt := newOpt(params)
	b.ReportAllocs()
	b.SetBytes(int64(8 * n))
	for b.Loop() {
		opt.Step()
	}
}

func newSGD(p []*autograd.Var) optim.Optimizer     { return optim.NewSGD(p, 1e-3, 0.9) }
func newAdam(p []*autograd.Var) optim.Optimizer    { return optim.NewAdam(p, 1e-6, 0.5, 0.999) }
func newRMSprop(p []*autograd.Var) optim.Optimizer { return optim.NewRMSprop(p, 5e-5) }

func BenchmarkSGDStep1M(b *testing.B)     { benchStep(b, newSGD, 1<<20) }
func BenchmarkAdamStep1M(b *testing.B)    { benchStep(b, newAdam, 1<<20) }
func BenchmarkRMSpropStep1M(b *testing.B) { benchStep(b, newRMSprop, 1<<20) }
