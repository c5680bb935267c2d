package gan

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/gan/chapter"
	"ganbook/gan/digitnet"
	"ganbook/layers"
	"ganbook/tensor"
)

// tinyImageBudget is a budget small enough for tests.
func tinyImageBudget() ImageBudget {
	b := DefaultImageBudget()
	b.Noise, b.Width, b.Batch, b.EvalEvery, b.EvalSamples = 4, 4, 4, 2, 6
	return b
}

// Real visits every training image once per pass, in a shuffled order
// that changes from pass to pass, and never a partial batch.
func TestImagesRealVisitsEveryImageOncePerPass(t *testing.T) {
	const m, batch = 10, 3
	data := tensor.Zeros(m, 1, 2, 2)
	for i := range m {
		for k := range 4 {
			data.Data()[i*4+k] = float64(i)
		}
	}
	im := &Images{Data: data, Batch: batch, R: rand.New(rand.NewPCG(1, 2))}
	var passes [][]int
	for range 2 {
		var seen []int
		for range m / batch { // 3 batches of 3: one image left out of each pass
			x := im.Real()
			require.Equal(t, []int{batch, 1, 2, 2}, x.Shape())
			for i := range batch {
				seen = append(seen, int(x.Data()[i*4]))
			}
		}
		passes = append(passes, seen)
	}
	for _, seen := range passes {
		sorted := slices.Clone(seen)
		slices.Sort(sorted)
		assert.Equal(t, len(sorted), len(slices.Compact(sorted)), "no image twice in a pass: %v", seen)
	}
	assert.NotEqual(t, passes[0], passes[1], "each pass is shuffled anew")
}

// Generate runs G over consecutive chunks of the batch size, each with its
// own batch statistics, and never leaves a chunk of one image.
func TestGenerateChunks(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	G, _ := NewDCGAN(r, DCGANConfig{Size: 16, Noise: 4, Width: 4})
	z := tensor.RandN(r, 9, 4)
	got := Generate(G, z, 4) // chunks 0–3, 4–8 (not 4–7 and 8)
	require.Equal(t, []int{9, 1, 16, 16}, got.Shape())
	var first, rest *autograd.Var
	autograd.NoGrad(func() {
		first = G.Forward(autograd.Const(tensor.Slice(z, 0, 0, 4)))
		rest = G.Forward(autograd.Const(tensor.Slice(z, 0, 4, 9)))
	})
	assert.Equal(t, first.Value.Data(), tensor.Slice(got, 0, 0, 4).Data())
	assert.Equal(t, rest.Value.Data(), tensor.Slice(got, 0, 4, 9).Data())
}

// An ImageRun evaluates before the first step, every EvalEvery steps and
// after the last, always on the same noise, and records what Eval returns
// at those steps; the untrained generator's images are kept. The noise is
// drawn from the run's evaluation stream PCG(seed, 3), and every
// evaluation's images are those Generate makes from it with the generator
// of that moment.
func TestImageRunEvaluations(t *testing.T) {
	data := DrawnDigits(1, 40, 0).Train
	b := tinyImageBudget()
	evalZ := tensor.RandN(rand.New(rand.NewPCG(1, 3)), b.EvalSamples, b.Noise)
	var zs, want []*tensor.Tensor
	calls := []int{}
	res, err := ImageRun{Name: "test", Game: DCGANGame(), Budget: b, Data: data, Seed: 1, Steps: 5,
		Eval: func(step int, im *Images, samples *tensor.Tensor) []Quantity {
			calls = append(calls, step)
			zs = append(zs, samples)
			want = append(want, Generate(im.G, evalZ, b.Batch))
			return []Quantity{{"mean", tensor.Mean(samples).Item()}}
		}}.Run()
	require.NoError(t, err)
	assert.Equal(t, []int{0, 2, 4, 5}, calls)
	assert.Equal(t, []int{0, 2, 4, 5}, res.History.Get("mean").Steps)
	assert.Equal(t, []int{1, 2, 3, 4, 5}, res.History.Get("D loss").Steps)
	assert.Same(t, zs[0], res.First)
	assert.Same(t, zs[3], res.Samples)
	assert.Equal(t, evalZ.Data(), res.EvalZ.Data())
	assert.Equal(t, []int{6, 4}, res.EvalZ.Shape())
	for k := range zs {
		assert.Equal(t, want[k].Data(), zs[k].Data(), "evaluation at step %d", calls[k])
	}
	// Before training, the generator is a fresh one from the run's seed.
	fresh, _ := NewDCGAN(rand.New(rand.NewPCG(1, 1)), DCGANConfig{Size: data.Dim(2), Noise: b.Noise, Width: b.Width})
	assert.Equal(t, Generate(fresh, evalZ, b.Batch).Data(), res.First.Data())
	assert.Equal(t, Generate(res.G, evalZ, b.Batch).Data(), res.Samples.Data())
	assert.NotEqual(t, zs[0].Data(), zs[3].Data(), "the generator has changed")
}

// The DCGAN game updates both players, and the same seed gives the same
// bits; an evaluation draws nothing from the training stream, so how often
// it runs changes nothing in the training.
func TestDCGANGameTrainsAndIsDeterministic(t *testing.T) {
	data := DrawnDigits(2, 40, 0).Train
	train := func(every int) *ImageResult {
		b := tinyImageBudget()
		b.EvalEvery = every
		res, err := ImageRun{Name: "test", Game: DCGANGame(), Budget: b, Data: data, Seed: 3, Steps: 4}.Run()
		require.NoError(t, err)
		return res
	}
	a, b := train(1), train(3)
	for _, name := range []string{"D loss", "G loss"} {
		assert.Equal(t, a.History.Get(name).Values, b.History.Get(name).Values, name)
	}
	fresh, freshD := NewDCGAN(rand.New(rand.NewPCG(3, 1)), DCGANConfig{Size: 16, Noise: 4, Width: 4})
	for _, pair := range []struct{ trained, untrained layers.Module }{{a.G, fresh}, {a.D, freshD}} {
		ps, qs := pair.trained.Parameters(), pair.untrained.Parameters()
		require.Len(t, ps, len(qs))
		for i := range ps {
			assert.NotEqual(t, qs[i].Var.Value.Data(), ps[i].Var.Value.Data(), "%s has not moved", ps[i].Name)
		}
	}
}

// The learning rate is the paper's times LRScale, decayed linearly to
// 1/Steps of that at the last step.
func TestImagesLR(t *testing.T) {
	im := &Images{budget: ImageBudget{LRScale: 10, LinearDecay: true}, steps: 4}
	assert.InDelta(t, 2e-3, im.LR(DCGANLR, 1), 1e-18)
	assert.InDelta(t, 0.5e-3, im.LR(DCGANLR, 4), 1e-18)
	im.budget.LinearDecay = false
	assert.InDelta(t, 2e-3, im.LR(DCGANLR, 4), 1e-18)
}

func TestImageBudgetChecks(t *testing.T) {
	for _, tc := range []struct {
		change func(*ImageBudget)
		want   string
	}{
		{func(b *ImageBudget) { b.Batch = 1 }, "-batch must be at least 2, got 1"},
		{func(b *ImageBudget) { b.Width = 0 }, "-width must be at least 2, got 0"},
		{func(b *ImageBudget) { b.LRScale = 0 }, "-lr-scale must be positive and finite, got 0"},
		{func(b *ImageBudget) { b.EvalSamples = 1 }, "-eval-samples must be at least 2, got 1"},
	} {
		b := DefaultImageBudget()
		tc.change(&b)
		assert.EqualError(t, b.Check(), tc.want)
	}
	_, err := ImageRun{Name: "x", Game: DCGANGame(), Budget: DefaultImageBudget(), Data: tensor.Zeros(3, 1, 16, 16), Steps: 1}.Run()
	assert.EqualError(t, err, "x: training images (3,1,16,16), want (M,1,S,S) with M ≥ the batch 32")
}

// A training run that is interrupted stops with the run's name and step.
func TestImageRunInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ImageRun{Name: "DCGAN x", Game: DCGANGame(), Budget: tinyImageBudget(), Data: DrawnDigits(1, 8, 0).Train,
		Steps: 3, Context: ctx}.Run()
	assert.EqualError(t, err, "DCGAN x: interrupted after step 0 of 3")
}

func TestDrawnDigits(t *testing.T) {
	s := DrawnDigits(5, 30, 20)
	assert.Equal(t, "drawn digits", s.Source)
	assert.Equal(t, []int{30, 1, 16, 16}, s.Train.Shape())
	assert.Equal(t, []int{20, 1, 16, 16}, s.Test.Shape())
	assert.Len(t, s.TrainLabels, 30)
	assert.Len(t, s.TestLabels, 20)
	again := DrawnDigits(5, 30, 20)
	assert.Equal(t, s.Train.Data(), again.Train.Data())
	assert.NotEqual(t, tensor.Slice(s.Train, 0, 0, 20).Data(), s.Test.Data(), "train and test come from different streams")
}

// -data is checked while the flags are: a folder without MNIST's files is
// refused with one line naming the file, before anything runs.
func TestDigitDataFlag(t *testing.T) {
	var d DigitData
	spec := chapter.Spec{Name: "99-digits", Defaults: chapter.Flags{Seed: 1, Steps: 1},
		Setup: func(fs *chapter.FlagSet) func(chapter.Env) error {
			d.RegisterFlag(fs)
			return func(env chapter.Env) error { return env.WriteJSON(&chapter.Metrics{}) }
		}}
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	out := filepath.Join(dir, "out")
	code := chapter.Run(context.Background(), spec, []string{"-data", dir, "-out", out}, &stdout, &stderr)
	assert.Equal(t, chapter.ExitFailed, code)
	want := "99-digits: -data " + dir + ": data: MNIST: neither " + filepath.Join(dir, "train-images-idx3-ubyte") + " nor " +
		filepath.Join(dir, "train-images-idx3-ubyte") + ".gz exists (docs/data.md says how to get the files)\n"
	assert.Equal(t, want, stderr.String())
	assert.NoDirExists(t, out)
	// Without -data the digits are drawn.
	d = DigitData{}
	assert.Equal(t, "drawn digits", d.Set(1, 10, 10).Source)
}

// With real MNIST files (GANBOOK_MNIST, see docs/data.md): 60,000 and
// 10,000 digits, resized to 16×16 in [−1, 1].
func TestMNISTDigits(t *testing.T) {
	dir := os.Getenv("GANBOOK_MNIST")
	if dir == "" {
		t.Skip("GANBOOK_MNIST is not set: no MNIST files (see docs/data.md)")
	}
	s, err := MNISTDigits(dir)
	require.NoError(t, err)
	assert.Equal(t, "MNIST", s.Source)
	assert.Equal(t, []int{60000, 1, 16, 16}, s.Train.Shape())
	assert.Equal(t, []int{10000, 1, 16, 16}, s.Test.Shape())
	for _, v := range s.Test.Data() {
		require.True(t, v >= -1-1e-12 && v <= 1+1e-12, "pixel %g", v)
	}
}

// The memorised "generator" cycles through the first test digit of each
// class; the one-class set is new drawings of one digit, which the
// classifier reads as that digit.
func TestDigitSetSubsets(t *testing.T) {
	s := DrawnDigits(1, 100, 100)
	ten := s.FirstOfEachClass()
	require.Equal(t, []int{10, 1, 16, 16}, ten.Shape())
	net := digitnet.Load()
	assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, digitnet.Predict(net.Probs(ten)))
	mem := s.Memorized(23)
	require.Equal(t, []int{23, 1, 16, 16}, mem.Shape())
	for i := range 23 {
		assert.Equal(t, tensor.Slice(ten, 0, i%10, i%10+1).Data(), tensor.Slice(mem, 0, i, i+1).Data(), "image %d", i)
	}
	threes := s.OneClass(7, 3, 50)
	require.Equal(t, []int{50, 1, 16, 16}, threes.Shape())
	right := 0
	for _, c := range digitnet.Predict(net.Probs(threes)) {
		if c == 3 {
			right++
		}
	}
	assert.GreaterOrEqual(t, right, 48)
	assert.Equal(t, 10, s.Count(3), "balanced labels: 100 digits hold ten 3s")
	assert.Panics(t, func() { (&DigitSet{Test: tensor.Zeros(1, 1, 16, 16), TestLabels: []int{0}}).FirstOfEachClass() })
}
