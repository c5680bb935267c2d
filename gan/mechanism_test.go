package gan

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/tensor"
)

// Tests that pin the mechanisms the chapters teach: each fails when the
// mechanism is broken, not merely when an output goes missing.

// Every loss at known logits, against values computed by hand (Python,
// math.log1p(math.exp(x)) for softplus): real ℓ = (2, −0.5), fake
// ℓ = (−1, 0).
func TestLossesAtKnownLogits(t *testing.T) {
	real, fake := logits(2, -0.5), logits(-1, 0)
	for _, c := range []struct {
		name string
		got  float64
		want float64
	}{
		// ½[softplus(−2) + softplus(0.5)] + ½[softplus(−1) + softplus(0)]
		{"NonSaturating.D", NonSaturating{}.D(real, fake).Item(), 1.0537069316506238},
		{"Minimax.D", Minimax{}.D(real, fake).Item(), 1.0537069316506238},
		// −½[softplus(−1) + softplus(0)] = ½[log(1 − σ(−1)) + log(1 − σ(0))]
		{"Minimax.G", Minimax{}.G(nil, fake).Item(), -0.5032044340390841},
		// ½[softplus(1) + softplus(0)] = −½[log σ(−1) + log σ(0)]
		{"NonSaturating.G", NonSaturating{}.G(nil, fake).Item(), 1.003204434039084},
		// mean f(fake) − mean f(real) = −0.5 − 0.75
		{"Wasserstein.D", Wasserstein{}.D(real, fake).Item(), -1.25},
		{"Wasserstein.G", Wasserstein{}.G(nil, fake).Item(), 0.5},
		// At ℓ = 0 everywhere D says ½: the loss is 2·log 2.
		{"NonSaturating.D at 0", NonSaturating{}.D(logits(0, 0), logits(0)).Item(), 2 * math.Ln2},
	} {
		assert.InDelta(t, c.want, c.got, 1e-15, c.name)
	}
}

// halfSquare is the critic f(x) = ½‖x‖² per sample, (N, d) → (N, 1),
// whose input gradient at x̂ is x̂ itself: the norms a penalty reports are
// then the norms of the points where it was taken.
func halfSquare(x *autograd.Var) *autograd.Var {
	return autograd.Scale(autograd.SumKeep(autograd.Square(x), 1), 0.5)
}

// rowNorms returns ‖row‖₂ of every row of an (N, d) tensor.
func rowNorms(x *tensor.Tensor) []float64 {
	n, d := x.Dim(0), x.Dim(1)
	out := make([]float64, n)
	for i := range n {
		s := 0.0
		for j := range d {
			s += x.At(i, j) * x.At(i, j)
		}
		out[i] = math.Sqrt(s)
	}
	return out
}

// WGAN-GP's penalty is taken at x̂ = x̃ + α·(x − x̃), α ~ U[0, 1) per
// sample, drawn from r: replaying r gives the α, and with f = ½‖x‖² the
// reported norms must be exactly ‖x̂‖ (not ‖x̃‖, not ‖x‖).
func TestGradientPenaltyIsTakenAtTheInterpolates(t *testing.T) {
	data := rand.New(rand.NewPCG(7, 7))
	real, fake := tensor.RandN(data, 6, 2), tensor.RandN(data, 6, 2)
	penalty, norms := GradientPenalty(halfSquare, real, fake, rand.New(rand.NewPCG(1, 2)))

	alpha := tensor.RandU(rand.New(rand.NewPCG(1, 2)), 0, 1, 6, 1) // the same draw
	xhat := tensor.Add(fake, tensor.Mul(alpha, tensor.Sub(real, fake)))
	want := rowNorms(xhat)
	require.Len(t, norms.Data(), 6)
	assert.InDeltaSlice(t, want, norms.Data(), 1e-9)
	sum := 0.0
	for _, n := range want {
		sum += (n - 1) * (n - 1)
	}
	assert.InDelta(t, sum/6, penalty.Item(), 1e-9)
}

// DRAGAN's penalty is taken near the reals: x̂ = x + α·c·std(x)·u with
// u ~ U[0, 1) element-wise and then α ~ U[0, 1) per sample, both from r,
// std(x) one number over the batch (with Bessel's correction).
func TestDRAGANPenaltyIsTakenNearTheReals(t *testing.T) {
	data := rand.New(rand.NewPCG(7, 7))
	real := tensor.RandN(data, 6, 2)
	_, norms := DRAGANPenalty(halfSquare, real, 0.5, rand.New(rand.NewPCG(1, 2)))

	r := rand.New(rand.NewPCG(1, 2))
	u := tensor.RandU(r, 0, 1, 6, 2)
	alpha := tensor.RandU(r, 0, 1, 6, 1)
	m := 0.0
	for _, v := range real.Data() {
		m += v / 12
	}
	ss := 0.0
	for _, v := range real.Data() {
		ss += (v - m) * (v - m)
	}
	std := math.Sqrt(ss / 11)
	xhat := tensor.Add(real, tensor.Mul(alpha, tensor.Scale(u, 0.5*std)))
	require.Len(t, norms.Data(), 6)
	assert.InDeltaSlice(t, rowNorms(xhat), norms.Data(), 1e-9)
	// And the perturbation is there: some point moved by more than 0.05.
	moved := 0.0
	for i, n := range rowNorms(real) {
		moved = math.Max(moved, math.Abs(n-norms.Data()[i]))
	}
	assert.Greater(t, moved, 0.05)
}

// The penalty's weight is in the loss: λ = 0 and λ = 10 train different
// critics from the same start.
func TestPenaltyWeightChangesTheRun(t *testing.T) {
	a, err := tinyRun("WGAN-GP", WGANGP(0), 3).Run()
	require.NoError(t, err)
	b, err := tinyRun("WGAN-GP", WGANGP(10), 3).Run()
	require.NoError(t, err)
	assert.NotEqual(t, a.History.Get("D loss").Values, b.History.Get("D loss").Values)
	assert.NotEqual(t, a.WindowNorms, b.WindowNorms)
}

// Frozen keeps a backward pass out of a network's gradients, gives the
// other network the very same gradient as without it, and restores the
// setting afterwards.
func TestFrozenKeepsDOutOfGsUpdate(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	G, D := WGANGPNetworks(5)(r)
	z := autograd.Const(tensor.RandN(r, 4, 2))
	lossG := func() *autograd.Var { return Wasserstein{}.G(nil, D.Forward(G.Forward(z))) }

	lossG().Backward()
	wantG := layers.Vars(G)[0].Grad.Clone()
	require.NotNil(t, layers.Vars(D)[0].Grad, "without freezing, D gets a gradient")
	for _, p := range append(layers.Vars(G), layers.Vars(D)...) {
		p.ZeroGrad()
	}

	Frozen(D, func() { lossG().Backward() })
	assert.Equal(t, wantG.Data(), layers.Vars(G)[0].Grad.Data(), "G's gradient is the same bits")
	for _, p := range layers.Vars(D) {
		assert.Nil(t, p.Grad, "D has no gradient")
		assert.True(t, p.RequiresGrad(), "and is trainable again")
	}
}

// The clipping bound keeps width·c at 10.24: the 0.16 of chapter 05's
// 64-unit critic, 0.32 at chapter 08's 32 units; and the critic's learning
// rate grows with c, the paper's own at c = 0.01.
func TestClipBoundAndLR(t *testing.T) {
	assert.Equal(t, 0.16, ClipBound(64))
	assert.Equal(t, 0.32, ClipBound(32))
	assert.Equal(t, 0.01, ClipBound(1024))
	assert.Equal(t, 5e-5, ClipLR(5e-5, 0.01))
	assert.InDelta(t, 8e-4, ClipLR(5e-5, 0.16), 1e-18)
	assert.PanicsWithError(t, "gan: ClipBound: bad argument width 0", func() { ClipBound(0) })
}
