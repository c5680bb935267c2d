package gan

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/autograd"
	"ganbook/tensor"
)

// ---- Agreement with PyTorch -----------------------------------------------------
//
// testdata/losses.json was written once by testdata/gen_losses.py with
// PyTorch in float64 (torch's own BCE-with-logits, MSE and ReLU, not the
// softplus forms used here). The tests below read inputs and expected
// values from it.

// goldenTol bounds the difference to PyTorch: both compute in float64, so
// only the order of operations differs.
const goldenTol = 1e-12

type goldenValue struct {
	Value    float64   `json:"value"`
	GradReal []float64 `json:"grad_real"`
	GradFake []float64 `json:"grad_fake"`
}

type goldenFile struct {
	Losses []struct {
		Name string      `json:"name"`
		Real []float64   `json:"real"`
		Fake []float64   `json:"fake"`
		D    goldenValue `json:"D"`
		G    goldenValue `json:"G"`
	} `json:"losses"`
	R1 struct {
		X       []float64   `json:"x"`
		Params  [][]float64 `json:"params"`
		Penalty float64     `json:"penalty"`
		Norms   []float64   `json:"norms"`
		Grads   [][]float64 `json:"grads"`
	} `json:"r1"`
	FeatureMatching struct {
		Real []float64 `json:"real"`
		Fake []float64 `json:"fake"`
		goldenValue
	} `json:"feature_matching"`
	HistoricalAverage struct {
		Snapshots [][][]float64 `json:"snapshots"`
		Theta     [][]float64   `json:"theta"`
		Value     float64       `json:"value"`
		Grads     [][]float64   `json:"grads"`
	} `json:"historical_average"`
}

func loadGolden(t *testing.T) goldenFile {
	t.Helper()
	raw, err := os.ReadFile("testdata/losses.json")
	require.NoError(t, err)
	var g goldenFile
	require.NoError(t, json.Unmarshal(raw, &g))
	require.NotEmpty(t, g.Losses)
	return g
}

// assertSlice checks the length, then the values within tol.
func assertSlice(t *testing.T, want, got []float64, tol float64, msg string) {
	t.Helper()
	require.Len(t, got, len(want), msg)
	assert.InDeltaSlice(t, want, got, tol, msg)
}

var goldenLosses = map[string]Loss{
	"lsgan_pearson": PearsonLeastSquares(),
	"lsgan_binary":  BinaryLeastSquares(),
	"hinge":         Hinge{},
	"rsgan":         RelativisticStandard{},
	"rasgan":        RelativisticAverage{},
	"smoothed_0.9":  OneSidedLabelSmoothing{Real: 0.9},
}

func TestLossesMatchPyTorch(t *testing.T) {
	g := loadGolden(t)
	seen := map[string]bool{}
	for _, c := range g.Losses {
		loss, ok := goldenLosses[c.Name]
		require.True(t, ok, "no Go loss for %q", c.Name)
		seen[c.Name] = true
		for _, player := range []struct {
			name string
			f    func(real, fake *autograd.Var) *autograd.Var
			want goldenValue
		}{{"D", loss.D, c.D}, {"G", loss.G, c.G}} {
			real := autograd.Param(tensor.New(append([]float64(nil), c.Real...), len(c.Real), 1))
			fake := autograd.Param(tensor.New(append([]float64(nil), c.Fake...), len(c.Fake), 1))
			v := player.f(real, fake)
			grads := autograd.Grad([]*autograd.Var{v}, []*autograd.Var{real, fake}, false)
			msg := c.Name + "." + player.name
			assert.InDelta(t, player.want.Value, v.Item(), goldenTol, msg)
			assertSlice(t, player.want.GradReal, grads[0].Value.Data(), goldenTol, msg+" ∂/∂real")
			assertSlice(t, player.want.GradFake, grads[1].Value.Data(), goldenTol, msg+" ∂/∂fake")
		}
	}
	assert.Len(t, seen, len(goldenLosses), "every loss has PyTorch values")
}

// D(x) = tanh(x·W1ᵀ + b1)·W2ᵀ + b2 with the weights of the golden file.
func goldenCritic(ws []*autograd.Var) func(*autograd.Var) *autograd.Var {
	return func(x *autograd.Var) *autograd.Var {
		return autograd.Linear(autograd.Tanh(autograd.Linear(x, ws[0], ws[1])), ws[2], ws[3])
	}
}

func goldenR1Params(raw [][]float64) []*autograd.Var {
	shapes := [][]int{{4, 3}, {4}, {1, 4}, {1}}
	out := make([]*autograd.Var, len(shapes))
	for i, s := range shapes {
		out[i] = autograd.Param(tensor.New(append([]float64(nil), raw[i]...), s...))
	}
	return out
}

func TestR1PenaltyMatchesPyTorch(t *testing.T) {
	g := loadGolden(t).R1
	ws := goldenR1Params(g.Params)
	penalty, norms := R1Penalty(goldenCritic(ws), tensor.New(g.X, 5, 3))
	assert.InDelta(t, g.Penalty, penalty.Item(), goldenTol)
	assertSlice(t, g.Norms, norms.Data(), goldenTol, "norms")
	grads := autograd.Grad([]*autograd.Var{penalty}, ws, false)
	for i, want := range g.Grads {
		assertSlice(t, want, grads[i].Value.Data(), goldenTol, "parameter gradient")
	}
}

func TestFeatureMatchingMatchesPyTorch(t *testing.T) {
	g := loadGolden(t).FeatureMatching
	real := autograd.Param(tensor.New(g.Real, 4, 3))
	fake := autograd.Param(tensor.New(g.Fake, 3, 3))
	v := FeatureMatching(real, fake)
	grads := autograd.Grad([]*autograd.Var{v}, []*autograd.Var{real, fake}, false)
	assert.InDelta(t, g.Value, v.Item(), goldenTol)
	assertSlice(t, g.GradReal, grads[0].Value.Data(), goldenTol, "∂/∂real")
	assertSlice(t, g.GradFake, grads[1].Value.Data(), goldenTol, "∂/∂fake")
}

func TestHistoricalAverageMatchesPyTorch(t *testing.T) {
	g := loadGolden(t).HistoricalAverage
	shapes := [][]int{{2, 3}, {3}}
	vars := func(raw [][]float64) []*autograd.Var {
		out := make([]*autograd.Var, len(raw))
		for i, d := range raw {
			out[i] = autograd.Param(tensor.New(append([]float64(nil), d...), shapes[i]...))
		}
		return out
	}
	var h HistoricalAverage
	for _, s := range g.Snapshots {
		h.Record(vars(s))
	}
	require.Equal(t, 2, h.Count())
	theta := vars(g.Theta)
	v := h.Penalty(theta)
	grads := autograd.Grad([]*autograd.Var{v}, theta, false)
	assert.InDelta(t, g.Value, v.Item(), goldenTol)
	for i, want := range g.Grads {
		assertSlice(t, want, grads[i].Value.Data(), goldenTol, "gradient")
	}
}
