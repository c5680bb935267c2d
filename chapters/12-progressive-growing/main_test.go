package main

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/gan"
	"ganbook/gan/chapter/chaptertest"
	"ganbook/gan/data"
	"ganbook/gan/digitnet"
	"ganbook/layers"
	"ganbook/tensor"
)

// tiny are the flags of a run small enough for a test.
var tiny = []string{"-steps", "8", "-eval-samples", "24", "-width", "4", "-batch", "8", "-noise", "4"}

func TestShortRunWritesEverything(t *testing.T) {
	r := chaptertest.Run(t, spec, tiny...)
	for _, name := range []string{"direct_fid", "stacked_fid", "fid_floor", "stacked_fid_8",
		"progressive_fid_4", "progressive_fid_8", "progressive_fid_16", "direct_fid_8", "direct_fid_4",
		"fid_floor_8", "fid_floor_4", "stacked_consistency", "stacked_consistency_shuffled", "madds_budget",
		"madds_stacked", "madds_progressive", "stacked_steps_stage1", "stacked_steps_stage2",
		"progressive_steps_4", "progressive_steps_fade8", "progressive_steps_8", "progressive_steps_fade16", "progressive_steps_16"} {
		assert.Contains(t, r.Metrics, name)
	}
	// Every phase gets the same steps, every stage too, and the work of
	// each method stays within the direct run's.
	for _, k := range []string{"fade8", "8", "fade16", "16"} {
		assert.Equal(t, r.Metrics["progressive_steps_4"], r.Metrics["progressive_steps_"+k], k)
	}
	assert.Equal(t, r.Metrics["stacked_steps_stage1"], r.Metrics["stacked_steps_stage2"])
	// as many rounds of steps (one step of every phase, or of both stages)
	// as fit: one more round would not.
	budget, directCost := r.Metrics["madds_budget"], r.Metrics["madds_budget"]/r.Metrics["direct_steps"]
	round := map[string]float64{}
	for name, v := range r.Metrics {
		for _, m := range []string{"progressive", "stacked"} {
			if strings.HasPrefix(name, m+"_step_cost_") {
				round[m] += v * directCost
			}
		}
	}
	for _, m := range []string{"progressive", "stacked"} {
		work := r.Metrics["madds_"+m]
		assert.LessOrEqual(t, work, budget, m)
		assert.Greater(t, work+round[m], budget, m)
		assert.InDelta(t, round[m]*r.Metrics[map[string]string{"progressive": "progressive_steps_4", "stacked": "stacked_steps_stage1"}[m]], work, 1e-6*work, m)
	}
	for _, f := range spec.Outputs {
		info, err := os.Stat(filepath.Join(r.Dir, f))
		require.NoError(t, err, f)
		assert.Greater(t, info.Size(), int64(100), f)
	}
}

// A FID that is not finite (images with a NaN, as a diverged generator
// would give) is an error that names what was measured, at any resolution;
// the reference against itself scores 0 (100 images, more than the 64
// features, so that its covariance has full rank and 0 holds to rounding).
func TestFIDErrorSaysWhich(t *testing.T) {
	x, _ := data.Digits(rand.New(rand.NewPCG(11, 12)), 100, gan.DigitSize)
	fid := newFID(digitnet.Load(), x)
	for _, r := range []int{4, 8, 16} {
		bad := data.Resize(x, r).Clone()
		bad.Data()[r*r+3] = math.NaN() // one pixel of the second image
		_, err := fid.of("FID of the progressive GAN at the end of phase fade8 (step 306 of 765)", bad)
		require.Error(t, err, r)
		assert.Regexp(t, `^FID of the progressive GAN at the end of phase fade8 \(step 306 of 765\): metrics: FrechetDistance: the result NaN is not finite`, err.Error(), r)
		v, err := fid.of("x", data.Resize(x, r))
		require.NoError(t, err, r)
		assert.InDelta(t, 0, v, 1e-6, r)
	}
}

func TestDeterministic(t *testing.T) { chaptertest.Deterministic(t, spec, tiny...) }

func TestBadFlags(t *testing.T) {
	chaptertest.BadFlags(t, spec,
		chaptertest.BadValue{Args: []string{"-steps", "0"}, Want: "12-progressive-growing: -steps must be at least 1, got 0\n"},
		chaptertest.BadValue{Args: []string{"-batch", "6"}, Want: "12-progressive-growing: -batch 6: the minibatch standard deviation takes groups of 4\n"},
		chaptertest.BadValue{Args: []string{"-lr-scale", "-1"}, Want: "12-progressive-growing: -lr-scale must be positive and finite, got -1\n"},
		chaptertest.BadValue{Args: []string{"-eval-samples", "5000"}, Want: "12-progressive-growing: -eval-samples 5000: the real reference has 2000 test digits\n"},
		chaptertest.BadValue{Args: []string{"-phases", "4,fade16,16"}, Want: "12-progressive-growing: -phases 4,fade16,16: \"fade16\" must follow a phase at 8×8\n"},
		chaptertest.BadValue{Args: []string{"-phases", "4,8"}, Want: "12-progressive-growing: -phases 4,8: the last phase must be at 16×16, the images' size\n"},
		chaptertest.BadValue{Args: []string{"-width", "1000000"}, Want: "12-progressive-growing: these flags need about …"},
		chaptertest.BadValue{Args: []string{"-refine-noise", "100000000"}, Want: "12-progressive-growing: these flags need about …"},
	)
	chaptertest.EveryFlag(t, spec)
}

func TestInterrupted(t *testing.T) { chaptertest.Interrupted(t, spec, tiny...) }

func TestParsePhases(t *testing.T) {
	for s, want := range map[string]string{
		"4,fade8,8,fade16,16": "[4 fade8 8 fade16 16]",
		"16":                  "[16]",
		"8, fade16, 16":       "[8 fade16 16]",
		"4,8,16":              "[4 8 16]",
		"4,4,fade8,16":        "[4 4 fade8 16]",
	} {
		p, err := parsePhases(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, fmtPhases(p), s)
	}
	for _, s := range []string{"fade8,8,16", "4,fade16,16", "8,4,16", "4,8", "4,fade8,8,32", "", "4,,16"} {
		_, err := parsePhases(s)
		assert.Error(t, err, s)
	}
}

func fmtPhases(p []phase) string {
	s := "["
	for i, ph := range p {
		if i > 0 {
			s += " "
		}
		s += ph.String()
	}
	return s + "]"
}

func TestEqualSteps(t *testing.T) {
	assert.Equal(t, 10, equalSteps(100, []float64{1, 2, 7}))
	assert.Equal(t, 9, equalSteps(99.9, []float64{1, 2, 7}))
	assert.Equal(t, 1, equalSteps(5, []float64{1, 2, 7}), "at least one step")
}

// A resolution fades in seamlessly: at α = 0 the grown generator draws
// the old resolution's images, enlarged, and the grown discriminator
// scores an image as the old one scores it halved; at α = 1 only the new
// blocks count; in between, the output is the blend.
func TestFadeIn(t *testing.T) {
	b := gan.ImageBudget{Noise: 6, Width: 8, Batch: 8}
	r := rand.New(rand.NewPCG(1, 2))
	G, D := newGrowing(r, b)
	z := autograd.Const(tensor.RandN(r, 8, 6))
	x, _ := data.Digits(r, 8, 16)
	at := func(res int, fading bool, alpha float64) (*tensor.Tensor, *tensor.Tensor) {
		G.Res, G.Fading, G.Alpha = res, fading, alpha
		D.Res, D.Fading, D.Alpha = res, fading, alpha
		var img, score *autograd.Var
		autograd.NoGrad(func() {
			img = G.Forward(z)
			score = D.Forward(autograd.Const(data.Resize(x, res)))
		})
		return img.Value, score.Value
	}
	for _, res := range []int{8, 16} {
		oldImg, _ := at(res/2, false, 1)
		_, oldScore := at(res/2, false, 1)
		newImg, newScore := at(res, false, 1)
		startImg, startScore := at(res, true, 0)
		assert.InDeltaSlice(t, tensor.UpsampleNearest(oldImg, 2).Data(), startImg.Data(), 1e-12, "G at α = 0, %d", res)
		assert.InDeltaSlice(t, oldScore.Data(), startScore.Data(), 1e-12, "D at α = 0, %d", res)
		endImg, endScore := at(res, true, 1)
		assert.InDeltaSlice(t, newImg.Data(), endImg.Data(), 1e-12, "G at α = 1, %d", res)
		assert.InDeltaSlice(t, newScore.Data(), endScore.Data(), 1e-12, "D at α = 1, %d", res)
		midImg, _ := at(res, true, 0.3)
		want := tensor.Add(tensor.Scale(tensor.UpsampleNearest(oldImg, 2), 0.7), tensor.Scale(newImg, 0.3))
		assert.InDeltaSlice(t, want.Data(), midImg.Data(), 1e-12, "G at α = 0.3, %d", res)
	}
}

// The real images fade in as the generator's do.
func TestRealsAt(t *testing.T) {
	x, _ := data.Digits(rand.New(rand.NewPCG(3, 4)), 5, 16)
	assert.Equal(t, x.Data(), realsAt(x, 16, false, 1).Data())
	x8 := data.Resize(x, 8)
	assert.InDeltaSlice(t, x8.Data(), realsAt(x, 8, false, 1).Data(), 0)
	low := tensor.UpsampleNearest(data.Resize(x8, 4), 2)
	assert.InDeltaSlice(t, low.Data(), realsAt(x, 8, true, 0).Data(), 1e-15)
	mid := tensor.Add(tensor.Scale(low, 0.75), tensor.Scale(x8, 0.25))
	assert.InDeltaSlice(t, mid.Data(), realsAt(x, 8, true, 0.25).Data(), 1e-15)
}

// D ends with the minibatch standard deviation in groups of 4: at 4×4,
// where D has no batch normalisation, a sample's score depends on the
// other samples of its group (n, n + N/4, …) and on no other.
func TestMinibatchStdDevInD(t *testing.T) {
	b := gan.ImageBudget{Noise: 6, Width: 8, Batch: 8}
	r := rand.New(rand.NewPCG(5, 6))
	_, D := newGrowing(r, b)
	x, _ := data.Digits(r, 8, 16)
	x4 := data.Resize(x, 4)
	score := func(x *tensor.Tensor) []float64 {
		var s *autograd.Var
		autograd.NoGrad(func() { s = D.Forward(autograd.Const(x)) })
		return s.Value.Data()
	}
	base := score(x4)
	for _, other := range []int{1, 2} { // 8 samples in groups of 4: {0, 2, 4, 6} and {1, 3, 5, 7}
		y := x4.Clone()
		for p := range 16 {
			y.Data()[other*16+p] = -y.Data()[other*16+p]
		}
		changed := score(y)[0] != base[0]
		assert.Equal(t, other == 2, changed, "changing sample %d changes sample 0's score", other)
	}
}

// Stage 1 stays fixed while stage 2 trains: the stacked generator's
// parameters are the refiner's, and its loss leaves no gradient in G1.
func TestStackedStageOneIsFixed(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	g1, _ := gan.NewDCGAN(r, gan.DCGANConfig{Size: 8, Noise: 4, Width: 4})
	g2 := layers.NewSequential(layers.NewConv2D(r, 3, 2, 3, 1, 1), layers.ReLU{}, layers.NewConvTranspose2D(r, 2, 1, 4, 2, 1), layers.Tanh{})
	s := &stackedG{G1: g1, G2: g2, noise: 4, k: 2}
	assert.Len(t, s.Parameters(), len(g2.Parameters()))
	out := s.Forward(autograd.Const(tensor.RandN(r, 4, 4+2*64)))
	require.Equal(t, []int{4, 1, 16, 16}, out.Shape())
	autograd.Sum(out).Backward()
	for _, p := range g1.Parameters() {
		assert.Nil(t, p.Var.Grad, p.Name)
	}
	for _, p := range g2.Parameters() {
		assert.NotNil(t, p.Var.Grad, p.Name)
	}
}

// Stage 2 is conditioned on stage 1: the stacked generator's image
// changes when stage 1's image does (other weights in G1, the same noise),
// and when the noise map does (the same stage 1 image).
func TestStackedStageTwoSeesStageOne(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	g1, _ := gan.NewDCGAN(r, gan.DCGANConfig{Size: 8, Noise: 4, Width: 4})
	g1b, _ := gan.NewDCGAN(r, gan.DCGANConfig{Size: 8, Noise: 4, Width: 4})
	g2 := layers.NewSequential(layers.NewConv2D(r, 3, 2, 3, 1, 1), layers.ReLU{}, layers.NewConvTranspose2D(r, 2, 1, 4, 2, 1), layers.Tanh{})
	z := tensor.RandN(r, 4, 4+2*64)
	draw := func(g1 *layers.Sequential, z *tensor.Tensor) []float64 {
		var out *autograd.Var
		autograd.NoGrad(func() { out = (&stackedG{G1: g1, G2: g2, noise: 4, k: 2}).Forward(autograd.Const(z)) })
		return out.Value.Data()
	}
	base := draw(g1, z)
	assert.NotEqual(t, base, draw(g1b, z), "another stage 1, the same noise")
	z2 := z.Clone()
	for i := range 4 { // only the noise map n, not z₁
		z2.Data()[i*z2.Dim(1)+4+7] += 1
	}
	assert.NotEqual(t, base, draw(g1, z2), "another noise map, the same stage 1")
	z3 := z.Clone()
	for i := range 4 { // only z₁
		z3.Data()[i*z3.Dim(1)] += 1
	}
	assert.NotEqual(t, base, draw(g1, z3), "another z₁, the same noise map")
}
