package gan

import (
	"math/rand/v2"
	"testing"

	"ganbook/autograd"
	"ganbook/gan/data"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// wganGPToy is the reference workload of ../shared/bench/torch_toy_wgangp.py
// (the WGAN-GP paper's gan_toy.py protocol): G 2→512→512→512→2 and
// D 2→512→512→512→1 with ReLU, batch 256, five critic steps with the
// gradient penalty (λ = 0.1) per generator step, Adam lr 1e-4, β = (0.5, 0.9),
// on the 8 Gaussians.
type wganGPToy struct {
	r          *rand.Rand
	target     *data.Mixture
	G, D       *layers.Sequential
	optG, optD *optim.Adam
	batch      int
	lambda     float64
}

func newWGANGPToy(seed uint64, hidden, batch int) *wganGPToy {
	r := rand.New(rand.NewPCG(seed, 0))
	w := &wganGPToy{r: r, target: data.Gaussians8(), batch: batch, lambda: 0.1,
		G: MLP(r, layers.ReLU{}, 2, hidden, hidden, hidden, 2),
		D: MLP(r, layers.ReLU{}, 2, hidden, hidden, hidden, 1)}
	w.optG = optim.NewAdam(layers.Vars(w.G), 1e-4, 0.5, 0.9)
	w.optD = optim.NewAdam(layers.Vars(w.D), 1e-4, 0.5, 0.9)
	return w
}

// step is one generator iteration: five critic updates, then one
// generator update. It returns the last critic loss and the generator loss.
func (w *wganGPToy) step() (float64, float64) {
	var lossD *autograd.Var
	for range 5 {
		real := w.target.Sample(w.r, w.batch)
		var fake *tensor.Tensor
		autograd.NoGrad(func() { fake = w.G.Forward(autograd.Const(tensor.RandN(w.r, w.batch, 2))).Value })
		gp, _ := GradientPenalty(w.D.Forward, real, fake, w.r)
		lossD = autograd.Add(
			Wasserstein{}.D(w.D.Forward(autograd.Const(real)), w.D.Forward(autograd.Const(fake))),
			autograd.Scale(gp, w.lambda))
		w.optD.ZeroGrad()
		lossD.Backward()
		w.optD.Step()
	}
	lossG := Wasserstein{}.G(nil, w.D.Forward(w.G.Forward(autograd.Const(tensor.RandN(w.r, w.batch, 2)))))
	w.optG.ZeroGrad()
	lossG.Backward()
	w.optG.Step()
	return lossD.Item(), lossG.Item()
}

// BenchmarkWGANGPToyStep times one generator iteration of the reference
// workload; compare with `python3 torch_toy_wgangp.py 30 1 f64`.
func BenchmarkWGANGPToyStep(b *testing.B) {
	w := newWGANGPToy(1, 512, 256)
	for range 2 { // warm up, as the reference does
		w.step()
	}
	b.ReportAllocs()
	cpu := processCPUTime()
	for b.Loop() {
		w.step()
	}
	reportCPUTime(b, cpu)
}

// The workload trains: on a small version, the critic's Wasserstein
// estimate and the losses stay finite, and the step is deterministic.
func TestWGANGPToyStepIsDeterministic(t *testing.T) {
	run := func() (float64, float64) {
		w := newWGANGPToy(3, 16, 32)
		var d, g float64
		for range 3 {
			d, g = w.step()
		}
		return d, g
	}
	d1, g1 := run()
	d2, g2 := run()
	if d1 != d2 || g1 != g2 {
		t.Fatalf("two runs differ: (%v, %v) vs (%v, %v)", d1, g1, d2, g2)
	}
}
