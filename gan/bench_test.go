package gan

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

// The workload trains: on a small version, the losses stay finite, the
// step is deterministic, and both networks' weights move.
func TestWGANGPToyStepIsDeterministic(t *testing.T) {
	run := func() benchRun {
		w := newWGANGPToy(3, 16, 32)
		var r benchRun
		for range 3 {
			r.lossD, r.lossG = w.step()
		}
		r.G, r.D = w.G, w.D
		return r
	}
	fresh := newWGANGPToy(3, 16, 32)
	checkBenchRuns(t, run(), run(), benchRun{G: fresh.G, D: fresh.D})
}

// benchRun is what a few steps of a benchmark workload leave: the last
// losses and the trained networks.
type benchRun struct {
	lossD, lossG float64
	G, D         *layers.Sequential
}

// checkBenchRuns checks two runs of a workload from one seed, in this
// order: their losses are finite (a NaN would otherwise be reported as
// two runs differing, and ±Inf would pass), the runs agree to the bit in
// losses and weights, and each network's weights moved away from those of
// a fresh workload from the same seed.
func checkBenchRuns(t *testing.T, first, second, fresh benchRun) {
	t.Helper()
	for _, l := range []float64{first.lossD, first.lossG} {
		require.False(t, math.IsNaN(l) || math.IsInf(l, 0), "losses (%v, %v) are not finite", first.lossD, first.lossG)
	}
	require.Equal(t, [2]float64{first.lossD, first.lossG}, [2]float64{second.lossD, second.lossG}, "two runs differ")
	require.True(t, reflect.DeepEqual(weights(first.G), weights(second.G)), "two runs differ in G")
	require.True(t, reflect.DeepEqual(weights(first.D), weights(second.D)), "two runs differ in D")
	assert.False(t, reflect.DeepEqual(weights(fresh.G), weights(first.G)), "G's weights did not move")
	assert.False(t, reflect.DeepEqual(weights(fresh.D), weights(first.D)), "D's weights did not move")
}

// weights returns a copy of every parameter value of m, in order.
func weights(m layers.Module) [][]float64 {
	var out [][]float64
	for _, v := range layers.Vars(m) {
		out = append(out, slices.Clone(v.Value.Data()))
	}
	return out
}
