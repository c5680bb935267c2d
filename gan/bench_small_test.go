package gan

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"ganbook/autograd"
	"ganbook/gan/data"
	"ganbook/layers"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// The small toy GAN steps of chapters 01 and 08, mirroring
// ../shared/bench/torch_small_gan_step.py line for line (grid-25, batch 100,
// width W). Compare with `python3 torch_small_gan_step.py STEPS 1 f64 W`.

const smallBatch = 100

// smallGAN is the script's "gan" workload: G = 4 × [Linear(W), BatchNorm,
// ReLU] + Linear(2); D = 3 maxout layers (W units × 5 pieces) + Linear(1);
// the non-saturating loss; one D update per G update; Adam (0.8, 0.999).
type smallGAN struct {
	r          *rand.Rand
	target     *data.Mixture
	G, D       *layers.Sequential
	optG, optD *optim.Adam
}

func newSmallGAN(seed uint64, width int) *smallGAN {
	r := rand.New(rand.NewPCG(seed, 0))
	var g []layers.Module
	in := 2
	for range 4 {
		g = append(g, layers.NewLinear(r, in, width), layers.NewBatchNorm(width), layers.ReLU{})
		in = width
	}
	g = append(g, layers.NewLinear(r, width, 2))
	s := &smallGAN{r: r, target: data.Grid25(),
		G: layers.NewSequential(g...),
		D: layers.NewSequential(layers.NewMaxout(r, 2, width, 5), layers.NewMaxout(r, width, width, 5),
			layers.NewMaxout(r, width, width, 5), layers.NewLinear(r, width, 1))}
	s.optG = optim.NewAdam(layers.Vars(s.G), 1e-3, 0.8, 0.999)
	s.optD = optim.NewAdam(layers.Vars(s.D), 1e-3, 0.8, 0.999)
	return s
}

func (s *smallGAN) step() (lossD, lossG float64) {
	x := autograd.Const(s.target.Sample(s.r, smallBatch))
	var fake *autograd.Var
	autograd.NoGrad(func() { fake = s.G.Forward(autograd.Const(tensor.RandN(s.r, smallBatch, 2))) })
	d := NonSaturating{}.D(s.D.Forward(x), s.D.Forward(fake))
	s.optD.ZeroGrad()
	d.Backward()
	s.optD.Step()

	g := NonSaturating{}.G(nil, s.D.Forward(s.G.Forward(autograd.Const(tensor.RandN(s.r, smallBatch, 2)))))
	s.optG.ZeroGrad()
	g.Backward()
	s.optG.Step()
	return d.Item(), g.Item()
}

// smallWGANGP is the script's "wgangp" workload: G and D = 2 → W → W → W →
// out with ReLU; five critic updates with the gradient penalty (λ = 1,
// double backpropagation) per G update; Adam (0.5, 0.9).
type smallWGANGP struct {
	r          *rand.Rand
	target     *data.Mixture
	G, D       *layers.Sequential
	optG, optD *optim.Adam
}

func newSmallWGANGP(seed uint64, width int) *smallWGANGP {
	r := rand.New(rand.NewPCG(seed, 0))
	s := &smallWGANGP{r: r, target: data.Grid25(),
		G: MLP(r, layers.ReLU{}, 2, width, width, width, 2),
		D: MLP(r, layers.ReLU{}, 2, width, width, width, 1)}
	s.optG = optim.NewAdam(layers.Vars(s.G), 1e-3, 0.5, 0.9)
	s.optD = optim.NewAdam(layers.Vars(s.D), 1e-3, 0.5, 0.9)
	return s
}

func (s *smallWGANGP) step() (lossD, lossG float64) {
	for range 5 {
		real := s.target.Sample(s.r, smallBatch)
		var fake *tensor.Tensor
		autograd.NoGrad(func() { fake = s.G.Forward(autograd.Const(tensor.RandN(s.r, smallBatch, 2))).Value })
		gp, _ := GradientPenalty(s.D.Forward, real, fake, s.r)
		loss := autograd.Add(Wasserstein{}.D(s.D.Forward(autograd.Const(real)), s.D.Forward(autograd.Const(fake))), gp)
		s.optD.ZeroGrad()
		loss.Backward()
		s.optD.Step()
		lossD = loss.Item()
	}
	g := Wasserstein{}.G(nil, s.D.Forward(s.G.Forward(autograd.Const(tensor.RandN(s.r, smallBatch, 2)))))
	s.optG.ZeroGrad()
	g.Backward()
	s.optG.Step()
	return lossD, g.Item()
}

var smallWidths = []int{32, 64, 128}

// BenchmarkSmallGANStep times one step of the "gan" workload per width.
func BenchmarkSmallGANStep(b *testing.B) {
	for _, w := range smallWidths {
		b.Run(fmt.Sprintf("W=%d", w), func(b *testing.B) {
			s := newSmallGAN(1, w)
			for range 10 { // warm up, as the reference does
				s.step()
			}
			b.ReportAllocs()
			cpu := processCPUTime()
			for b.Loop() {
				s.step()
			}
			reportCPUTime(b, cpu)
		})
	}
}

// BenchmarkSmallWGANGPStep times one generator step (five critic steps and
// one generator step) of the "wgangp" workload per width.
func BenchmarkSmallWGANGPStep(b *testing.B) {
	for _, w := range smallWidths {
		b.Run(fmt.Sprintf("W=%d", w), func(b *testing.B) {
			s := newSmallWGANGP(1, w)
			for range 10 {
				s.step()
			}
			b.ReportAllocs()
			cpu := processCPUTime()
			for b.Loop() {
				s.step()
			}
			reportCPUTime(b, cpu)
		})
	}
}

// The benchmark workloads train and are deterministic: two runs from the
// same seed give finite losses, the same bits, and weights that moved.
func TestSmallStepsAreDeterministic(t *testing.T) {
	type workload struct {
		step func() (float64, float64)
		G, D *layers.Sequential
	}
	for _, tc := range []struct {
		name  string
		steps int
		build func() workload
	}{
		{"gan", 3, func() workload { s := newSmallGAN(5, 16); return workload{s.step, s.G, s.D} }},
		{"wgangp", 2, func() workload { s := newSmallWGANGP(5, 16); return workload{s.step, s.G, s.D} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := func() benchRun {
				w := tc.build()
				r := benchRun{G: w.G, D: w.D}
				for range tc.steps {
					r.lossD, r.lossG = w.step()
				}
				return r
			}
			fresh := tc.build()
			checkBenchRuns(t, run(), run(), benchRun{G: fresh.G, D: fresh.D})
		})
	}
}
