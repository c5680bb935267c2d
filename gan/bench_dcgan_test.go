package gan

import (
	"math/rand/v2"
	"testing"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// The DCGAN step of ../shared/bench/torch_dcgan_step.py, line for line.
// Compare with `python3 torch_dcgan_step.py STEPS 1 f64`.
//
//	G: z (64) → Linear 128·7·7 → (128,7,7) → BN → ReLU
//	   → ConvT(128→64, 4, 2, 1) → BN → ReLU → ConvT(64→1, 4, 2, 1) → Tanh   (N,1,28,28)
//	D: Conv(1→64, 4, 2, 1) → LeakyReLU 0.2 → Conv(64→128, 4, 2, 1) → BN
//	   → LeakyReLU 0.2 → Flatten → Linear(128·7·7 → 1)                      a logit
//
// Batch 64, the non-saturating loss on logits (softplus), Adam 2e-4,
// β = (0.5, 0.999). One step is one D update (a real and a fake batch) and
// one G update.

const (
	dcganBatch = 64
	dcganZ     = 64
	dcganData  = 1024 // stand-in images; the cost does not depend on content
)

type dcganStep struct {
	r          *rand.Rand
	data       *tensor.Tensor // (1024, 1, 28, 28), uniform in [-1, 1)
	G, D       *layers.Sequential
	optG, optD *optim.Adam
	i          int
}

func newDCGANStep(seed uint64) *dcganStep {
	r := rand.New(rand.NewPCG(seed, 0))
	s := &dcganStep{r: r, data: tensor.RandU(r, -1, 1, dcganData, 1, 28, 28),
		G: layers.NewSequential(
			layers.NewLinear(r, dcganZ, 128*7*7), layers.NewReshape(128, 7, 7), layers.NewBatchNorm(128), layers.ReLU{},
			layers.NewConvTranspose2D(r, 128, 64, 4, 2, 1), layers.NewBatchNorm(64), layers.ReLU{},
			layers.NewConvTranspose2D(r, 64, 1, 4, 2, 1), layers.Tanh{}),
		D: layers.NewSequential(
			layers.NewConv2D(r, 1, 64, 4, 2, 1), layers.LeakyReLU{Slope: 0.2},
			layers.NewConv2D(r, 64, 128, 4, 2, 1), layers.NewBatchNorm(128), layers.LeakyReLU{Slope: 0.2},
			layers.Flatten{}, layers.NewLinear(r, 128*7*7, 1))}
	s.optG = optim.NewAdam(layers.Vars(s.G), 2e-4, 0.5, 0.999)
	s.optD = optim.NewAdam(layers.Vars(s.D), 2e-4, 0.5, 0.999)
	return s
}

// step runs one D update and one G update and returns both losses.
func (s *dcganStep) step() (lossD, lossG float64) {
	off := (s.i * dcganBatch) % dcganData
	s.i++
	x := autograd.Const(tensor.Slice(s.data, 0, off, off+dcganBatch))
	z := autograd.Const(tensor.RandN(s.r, dcganBatch, dcganZ))
	fake := s.G.Forward(z)

	d := NonSaturating{}.D(s.D.Forward(x), s.D.Forward(fake.Detach()))
	s.optD.ZeroGrad()
	d.Backward()
	s.optD.Step()

	g := NonSaturating{}.G(nil, s.D.Forward(fake))
	s.optG.ZeroGrad()
	g.Backward()
	s.optG.Step()
	return d.Item(), g.Item()
}

// BenchmarkDCGANStep times one DCGAN step (batch 64, 28×28); compare with
// `python3 torch_dcgan_step.py 10 1 f64`.
func BenchmarkDCGANStep(b *testing.B) {
	s := newDCGANStep(1)
	for range 3 { // warm up, as the reference does
		s.step()
	}
	b.ReportAllocs()
	cpu := processCPUTime()
	for b.Loop() {
		s.step()
	}
	reportCPUTime(b, cpu)
}

// The DCGAN step trains and is deterministic: two runs from the same seed
// give finite losses, the same bits, and weights that moved.
func TestDCGANStepIsDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("two DCGAN steps on a batch of 64")
	}
	run := func() benchRun {
		s := newDCGANStep(5)
		r := benchRun{G: s.G, D: s.D}
		for range 2 {
			r.lossD, r.lossG = s.step()
		}
		return r
	}
	fresh := newDCGANStep(5)
	checkBenchRuns(t, run(), run(), benchRun{G: fresh.G, D: fresh.D})
}
