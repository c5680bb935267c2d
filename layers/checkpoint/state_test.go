package checkpoint_test

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/layers"
	"ganbook/layers/checkpoint"
	"ganbook/layers/optim"
	"ganbook/tensor"
)

// ---- A small training problem -------------------------------------------------------
//
// B = batch 8, 32 samples of 3 features, regression target y = sin(x₁+x₂+x₃).

// newMLP returns Linear(3,hidden) → BatchNorm → Tanh → Linear(hidden,1),
// initialised from seed. BatchNorm brings buffers into the checkpoint.
func newMLP(seed uint64, hidden int) *layers.Sequential {
	r := rand.New(rand.NewPCG(seed, 1))
	return layers.NewSequential(layers.NewLinear(r, 3, hidden), layers.NewBatchNorm(hidden), layers.Tanh{}, layers.NewLinear(r, hidden, 1))
}

var (
	dataX = tensor.RandN(rand.New(rand.NewPCG(5, 5)), 32, 3) // (32, 3)
	dataY = func() *tensor.Tensor {                          // (32, 1)
		y := tensor.Zeros(32, 1)
		for i := range 32 {
			y.Set(sinSum(dataX.At(i, 0), dataX.At(i, 1), dataX.At(i, 2)), i, 0)
		}
		return y
	}()
)

func sinSum(a, b, c float64) float64 { return math.Sin(a + b + c) }

// train runs steps of minibatch training, the batches drawn from r.
func train(model layers.Module, opt optim.Optimizer, r *rand.Rand, steps int) {
	for range steps {
		idx := make([]int, 8)
		for i := range idx {
			idx[i] = r.IntN(32)
		}
		x := autograd.IndexSelect(autograd.Const(dataX), 0, idx) // (8, 3)
		y := autograd.IndexSelect(autograd.Const(dataY), 0, idx) // (8, 1)
		opt.ZeroGrad()
		loss := autograd.Mean(autograd.Square(autograd.Sub(model.Forward(x), y)))
		loss.Backward()
		opt.Step()
	}
}

// values copies every parameter and buffer of a module by name.
func values(m layers.Module) map[string][]float64 {
	out := map[string][]float64{}
	for _, p := range m.Parameters() {
		out[p.Name] = append([]float64(nil), p.Var.Value.Data()...)
	}
	for _, b := range layers.BuffersOf(m) {
		out[b.Name] = append([]float64(nil), b.Tensor.Data()...)
	}
	return out
}

// optValues copies an optimizer's state by name.
func optValues(o optim.Optimizer) map[string][]float64 {
	out := map[string][]float64{}
	for _, b := range o.State() {
		out[b.Name] = append([]float64(nil), b.Tensor.Data()...)
	}
	return out
}

// ---- Resuming ----------------------------------------------------------------------

// Twenty steps straight equal ten steps, a checkpoint, a load into fresh
// objects (another initialisation, a new optimizer, a generator seeded
// differently) and ten more steps: bit for bit.
func TestResumeIsBitExact(t *testing.T) {
	newAdam := func(m layers.Module) *optim.Adam { return optim.NewAdam(layers.Vars(m), 0.01, 0.5, 0.999) }

	straight := newMLP(1, 8)
	optStraight := newAdam(straight)
	train(straight, optStraight, rand.New(rand.NewPCG(42, 0)), 20)

	first := newMLP(1, 8)
	optFirst := newAdam(first)
	batches := rand.NewPCG(42, 0)
	train(first, optFirst, rand.New(batches), 10)
	path := filepath.Join(t.TempDir(), "run.safetensors")
	require.NoError(t, checkpoint.Save(path, checkpoint.State{
		Modules:    map[string]layers.Module{"G": first},
		Optimizers: map[string]optim.Optimizer{"optG": optFirst},
		RNG:        map[string]*rand.PCG{"batches": batches},
		Meta:       map[string]string{"step": "10"},
	}))

	resumed := newMLP(99, 8)
	optResumed := newAdam(resumed)
	resumedBatches := rand.NewPCG(7, 7)
	meta := map[string]string{"stale": "x"}
	require.NoError(t, checkpoint.Load(path, checkpoint.State{
		Modules:    map[string]layers.Module{"G": resumed},
		Optimizers: map[string]optim.Optimizer{"optG": optResumed},
		RNG:        map[string]*rand.PCG{"batches": resumedBatches},
		Meta:       meta,
	}))
	assert.Equal(t, map[string]string{"step": "10"}, meta)
	assert.Equal(t, 10, optResumed.Steps())
	train(resumed, optResumed, rand.New(resumedBatches), 10)

	want, got := values(straight), values(resumed)
	require.Len(t, got, 8) // 3 layers' weights and biases, 2 BatchNorm buffers
	for name := range want {
		require.Equal(t, want[name], got[name], name)
	}
	assert.Equal(t, optValues(optStraight), optValues(optResumed))

	// The control: the same resume with a fresh optimizer instead of the
	// loaded one ends elsewhere, so the comparison above can fail.
	control := newMLP(99, 8)
	controlBatches := rand.NewPCG(7, 7)
	require.NoError(t, checkpoint.Load(path, checkpoint.State{
		Modules:    map[string]layers.Module{"G": control},
		Optimizers: map[string]optim.Optimizer{"optG": newAdam(control)},
		RNG:        map[string]*rand.PCG{"batches": controlBatches},
	}))
	train(control, newAdam(control), rand.New(controlBatches), 10)
	assert.NotEqual(t, want["0.weight"], values(control)["0.weight"])
}

// ---- Saving and loading a GAN's state ----------------------------------------------

// ganState builds two modules, an RMSprop and an SGD optimizer over them and
// one generator, trained a little so that nothing is at its initial value.
func ganState(seed uint64) checkpoint.State {
	g, d := newMLP(seed, 4), newMLP(seed+1, 5)
	optG, optD := optim.NewRMSprop(layers.Vars(g), 1e-3), optim.NewSGD(layers.Vars(d), 1e-2, 0.9)
	src := rand.NewPCG(seed, 2)
	train(g, optG, rand.New(src), 3)
	train(d, optD, rand.New(src), 2)
	return checkpoint.State{
		Modules:    map[string]layers.Module{"G": g, "D": d},
		Optimizers: map[string]optim.Optimizer{"optG": optG, "optD": optD},
		RNG:        map[string]*rand.PCG{"data": src},
		Meta:       map[string]string{"step": "5", "loss": "WGAN"},
	}
}

// snapshot copies everything a State holds.
func snapshot(s checkpoint.State) map[string]any {
	out := map[string]any{}
	for k, m := range s.Modules {
		out["module "+k] = values(m)
	}
	for k, o := range s.Optimizers {
		out["optimizer "+k] = optValues(o)
	}
	for k, src := range s.RNG {
		b, _ := src.MarshalBinary()
		out["rng "+k] = b
	}
	return out
}

func TestSaveLoadRestoresEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gan.safetensors")
	saved := ganState(1)
	require.NoError(t, checkpoint.Save(path, saved))

	// The file is a plain safetensors file with prefixed names.
	tensors, meta, err := checkpoint.LoadFile(path)
	require.NoError(t, err)
	for _, name := range []string{"G.0.weight", "G.1.running_mean", "D.3.bias", "optG.rmsprop.step", "optG.rmsprop.s.5", "optD.sgd.v.0"} {
		assert.Contains(t, tensors, name)
	}
	assert.Equal(t, 3.0, tensors["optG.rmsprop.step"].Item())
	assert.Equal(t, "5", meta["step"])
	assert.Len(t, meta["rng.data"], 2*20) // "pcg:" and 16 bytes of state, in hex

	loaded := ganState(50)
	loaded.Meta = map[string]string{}
	require.NotEqual(t, snapshot(saved), snapshot(loaded))
	require.NoError(t, checkpoint.Load(path, loaded))
	assert.Equal(t, snapshot(saved), snapshot(loaded))
	assert.Equal(t, saved.Meta, loaded.Meta)
	assert.Equal(t, saved.RNG["data"].Uint64(), loaded.RNG["data"].Uint64())
}

// Every way a checkpoint can fail to fit: the error says what, and nothing
// of the state changes.
func TestLoadMismatchChangesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gan.safetensors")
	require.NoError(t, checkpoint.Save(path, ganState(1)))
	prefix := "checkpoint: load " + path + ": "

	cases := []struct {
		name   string
		modify func(s *checkpoint.State)
		msg    string
	}{
		{"wider layer", func(s *checkpoint.State) {
			s.Modules["G"] = newMLP(3, 6)
			s.Optimizers["optG"] = optim.NewRMSprop(layers.Vars(s.Modules["G"]), 1e-3)
		}, `does not match: tensor "G.0.weight" has shape (4,3) in the file, (6,3) in the model; ` +
			`tensor "G.0.bias" has shape (4) in the file, (6) in the model; ` +
			`tensor "G.1.weight" has shape (4) in the file, (6) in the model; ` +
			`tensor "G.1.bias" has shape (4) in the file, (6) in the model; ` +
			`tensor "G.3.weight" has shape (1,4) in the file, (1,6) in the model; ` +
			`tensor "G.1.running_mean" has shape (4) in the file, (6) in the model; ` +
			`tensor "G.1.running_var" has shape (4) in the file, (6) in the model; ` +
			`tensor "optG.rmsprop.s.0" has shape (4,3) in the file, (6,3) in the model; ` +
			`tensor "optG.rmsprop.s.1" has shape (4) in the file, (6) in the model; ` +
			`tensor "optG.rmsprop.s.2" has shape (4) in the file, (6) in the model; ` +
			`tensor "optG.rmsprop.s.3" has shape (4) in the file, (6) in the model; ` +
			`tensor "optG.rmsprop.s.4" has shape (1,4) in the file, (1,6) in the model`},
		{"no optimizer for D", func(s *checkpoint.State) { delete(s.Optimizers, "optD") },
			`does not match: the file has tensors the model does not optD.sgd.step, optD.sgd.v.0, optD.sgd.v.1, optD.sgd.v.2, ` +
				`optD.sgd.v.3, optD.sgd.v.4, optD.sgd.v.5`},
		{"an extra module", func(s *checkpoint.State) {
			s.Modules["E"] = layers.NewLinear(rand.New(rand.NewPCG(1, 1)), 2, 2)
		}, `does not match: the file lacks tensors E.bias, E.weight`},
		{"Adam instead of RMSprop", func(s *checkpoint.State) {
			s.Optimizers["optG"] = optim.NewAdam(layers.Vars(s.Modules["G"]), 1e-3, 0.5, 0.9)
		}, `does not match: the file lacks tensors optG.adam.m.0, optG.adam.m.1, optG.adam.m.2, optG.adam.m.3, ` +
			`optG.adam.m.4, optG.adam.m.5, optG.adam.step, optG.adam.v.0, optG.adam.v.1, optG.adam.v.2 and 3 more; ` +
			`the file has tensors the model does not optG.rmsprop.s.0, optG.rmsprop.s.1, optG.rmsprop.s.2, ` +
			`optG.rmsprop.s.3, optG.rmsprop.s.4, optG.rmsprop.s.5, optG.rmsprop.step`},
		{"another generator", func(s *checkpoint.State) {
			s.RNG = map[string]*rand.PCG{"noise": rand.NewPCG(1, 2)}
		}, `does not match: the file lacks generators noise; the file has generators the state does not data`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := ganState(9)
			c.modify(&s)
			before := snapshot(s)
			err := checkpoint.Load(path, s)
			require.Error(t, err)
			assert.Equal(t, prefix+c.msg, err.Error())
			assert.Equal(t, before, snapshot(s))
		})
	}
}

// rewrite loads the checkpoint at path, lets edit change it, and saves it.
func rewrite(t *testing.T, path string, edit func(map[string]*tensor.Tensor, map[string]string)) {
	tensors, meta, err := checkpoint.LoadFile(path)
	require.NoError(t, err)
	edit(tensors, meta)
	require.NoError(t, checkpoint.SaveFile(path, tensors, meta))
}

// An optimizer that refuses its state (here a step count of 2.5) fails the
// load after another optimizer already took its own: that one is rolled
// back, and no module, generator or metadata is touched.
func TestLoadRollsBackOnBadOptimizerState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gan.safetensors")
	require.NoError(t, checkpoint.Save(path, ganState(1)))
	rewrite(t, path, func(ts map[string]*tensor.Tensor, _ map[string]string) {
		ts["optG.rmsprop.step"] = tensor.Scalar(2.5)
	})
	s := ganState(9)
	s.Meta = map[string]string{"keep": "me"}
	before := snapshot(s)
	err := checkpoint.Load(path, s)
	require.Error(t, err)
	assert.Equal(t, "checkpoint: load "+path+`: optimizer "optG": optim: RMSprop.LoadState: "rmsprop.step" is 2.5, want a whole number ≥ 0`, err.Error())
	assert.Equal(t, before, snapshot(s)) // optD, loaded first, was restored
	assert.Equal(t, map[string]string{"keep": "me"}, s.Meta)
}

func TestLoadBadGeneratorState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gan.safetensors")
	require.NoError(t, checkpoint.Save(path, ganState(1)))
	rewrite(t, path, func(_ map[string]*tensor.Tensor, meta map[string]string) { meta["rng.data"] = "70636700" })
	s := ganState(9)
	before := snapshot(s)
	err := checkpoint.Load(path, s)
	require.Error(t, err)
	assert.Equal(t, "checkpoint: load "+path+`: generator "data": bad state "70636700": invalid PCG encoding`, err.Error())
	assert.Equal(t, before, snapshot(s))
}

// With several bad generators the error names the first by name, every
// time (not whichever the map's order gives).
func TestLoadBadGeneratorsFirstByName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gan.safetensors")
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	s := ganState(1)
	s.RNG = map[string]*rand.PCG{}
	for i, name := range names {
		s.RNG[name] = rand.NewPCG(uint64(i), 1)
	}
	require.NoError(t, checkpoint.Save(path, s))
	rewrite(t, path, func(_ map[string]*tensor.Tensor, meta map[string]string) {
		for _, name := range names {
			meta["rng."+name] = "70636700"
		}
	})
	for range 20 {
		err := checkpoint.Load(path, s)
		require.Error(t, err)
		assert.Equal(t, "checkpoint: load "+path+`: generator "a": bad state "70636700": invalid PCG encoding`, err.Error())
	}
}

func TestLoadInvalidFileChangesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gan.safetensors")
	require.NoError(t, os.WriteFile(path, []byte("not a checkpoint"), 0o644))
	s := ganState(9)
	before := snapshot(s)
	err := checkpoint.Load(path, s)
	require.Error(t, err)
	assert.ErrorIs(t, err, checkpoint.ErrFormat)
	// The first 8 bytes, "not a ch", read as a little-endian integer.
	assert.Equal(t, "checkpoint: load "+path+": invalid safetensors file: header length 7521891404167278446 is over the limit of 100000000 bytes", err.Error())
	assert.Equal(t, before, snapshot(s))
}

func TestSaveErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name   string
		modify func(s *checkpoint.State)
		msg    string
	}{
		{"reserved metadata key", func(s *checkpoint.State) { s.Meta["rng.mine"] = "x" },
			`metadata key "rng.mine": the prefix "rng." is reserved`},
		{"two tensors with one name", func(s *checkpoint.State) {
			s.Modules["G.0"] = layers.NewLinear(rand.New(rand.NewPCG(1, 1)), 3, 4) // G.0.weight again
		}, `two tensors are named "G.0.weight"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, "x.safetensors")
			s := ganState(1)
			c.modify(&s)
			err := checkpoint.Save(path, s)
			require.Error(t, err)
			assert.Equal(t, "checkpoint: save "+path+": "+c.msg, err.Error())
			_, statErr := os.Stat(path)
			assert.True(t, os.IsNotExist(statErr), "no file is written")
			entries, _ := os.ReadDir(dir)
			assert.Empty(t, entries, "no temporary file is left")
		})
	}
}
