package gan

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/layers"
	"ganbook/tensor"
)

func TestLoopRecordsStepsAndEvaluations(t *testing.T) {
	var evals []int
	h, err := Loop{Name: "test", Steps: 7, EvalEvery: 3}.Run(
		func(i int) []Quantity { return []Quantity{{"loss", float64(i * i)}} },
		func(i int) []Quantity { evals = append(evals, i); return []Quantity{{"metric", -float64(i)}} })
	require.NoError(t, err)
	assert.Equal(t, []int{3, 6, 7}, evals, "every 3 steps and after the last")
	assert.Equal(t, []float64{1, 4, 9, 16, 25, 36, 49}, h.Get("loss").Values)
	assert.Equal(t, []int{3, 6, 7}, h.Get("metric").Steps)
	assert.Equal(t, -7.0, h.Get("metric").Last())
	assert.Equal(t, []string{"loss", "metric"}, h.Names())
}

func TestLoopStopsOnDivergingLoss(t *testing.T) {
	steps := 0
	_, err := Loop{Name: "test", Steps: 10}.Run(func(i int) []Quantity {
		steps++
		v := 1.0
		if i == 4 {
			v = math.NaN()
		}
		return []Quantity{{"critic loss", v}}
	}, nil)
	var div *DivergenceError
	require.True(t, errors.As(err, &div))
	assert.Equal(t, 4, div.Step)
	assert.Equal(t, 4, steps, "the run must stop at the bad step")
	assert.Equal(t, "test: training diverged at step 4: critic loss is NaN", err.Error())
}

func TestLoopStopsOnDivergingParameter(t *testing.T) {
	net := MLP(rand.New(rand.NewPCG(1, 1)), layers.ReLU{}, 2, 3, 1)
	q := net.Parameters()[3] // "2.bias", (1)
	_, err := Loop{Name: "test", Steps: 10, Watch: map[string]layers.Module{"D": net}}.Run(func(i int) []Quantity {
		if i == 2 {
			q.Var.Grad = tensor.New([]float64{math.Inf(1)}, 1)
		}
		return nil
	}, nil)
	require.Error(t, err)
	assert.Equal(t, "test: training diverged at step 2: the gradient of D.2.bias (1) is +Inf", err.Error())
}

func TestLoopRejectsNoSteps(t *testing.T) {
	_, err := Loop{Name: "x", Steps: 0}.Run(func(int) []Quantity { return nil }, nil)
	assert.EqualError(t, err, "x: steps must be at least 1, got 0")
}

// A learning rate far too large throws the weights to values that are
// still finite but mean nothing: the run stops there and says so.
func TestLoopStopsOnHugeParameter(t *testing.T) {
	net := MLP(rand.New(rand.NewPCG(1, 1)), layers.ReLU{}, 2, 3, 1)
	w := net.Parameters()[0].Var // "0.weight", (3, 2)
	_, err := Loop{Name: "WGAN", Steps: 10, Watch: map[string]layers.Module{"G": net}}.Run(func(i int) []Quantity {
		if i == 3 {
			w.Value.Data()[4] = -1.8e9
		}
		return nil
	}, nil)
	var div *DivergenceError
	require.True(t, errors.As(err, &div))
	assert.Equal(t, 3, div.Step)
	assert.Equal(t, "WGAN: training diverged at step 3: G.0.weight (3×2) reached -1.8e+09, beyond ±1e6 (is the learning rate too large?)", err.Error())
}

// A cancelled context stops the run before the next step, finishing the
// progress line first.
func TestLoopStopsWhenInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var progress strings.Builder
	steps := 0
	h, err := Loop{Name: "GAN", Steps: 10, Context: ctx, Progress: &progress}.Run(func(i int) []Quantity {
		steps++
		if i == 4 {
			cancel()
		}
		return []Quantity{{"loss", 1}}
	}, nil)
	assert.Equal(t, 4, steps)
	assert.Len(t, h.Get("loss").Values, 4)
	require.ErrorIs(t, err, context.Canceled)
	assert.EqualError(t, err, "GAN: interrupted after step 4 of 10")
	assert.Contains(t, progress.String(), "GAN stopped at 4/10")
}

// A diverging run finishes its progress line before it reports.
func TestLoopFinishesTheBarOnDivergence(t *testing.T) {
	var progress strings.Builder
	_, err := Loop{Name: "GAN", Steps: 10, Progress: &progress}.Run(func(i int) []Quantity {
		return []Quantity{{"loss", math.Log(float64(3 - i))}}
	}, nil)
	require.Error(t, err)
	assert.True(t, strings.HasSuffix(progress.String(), "\n"), progress.String())
	assert.Contains(t, progress.String(), "GAN stopped at 2/10")
}

func TestHistoryGetUnknownNamePanics(t *testing.T) {
	h := NewHistory()
	h.Add("W1", 1, 0.5)
	assert.True(t, h.Has("W1"))
	assert.False(t, h.Has("W 1"))
	assert.PanicsWithError(t, `gan: History.Get: bad argument no series "W 1" (recorded: ["W1"])`, func() { h.Get("W 1") })
}

// firstBad finds NaN, either infinity and values beyond the limit, with a
// finite limit (parameters) and an infinite one (gradients).
func TestFirstBad(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range []struct {
		xs    []float64
		limit float64
		want  float64 // NaN-safe: compared through its bits
		bad   bool
	}{
		{[]float64{1, -1e6, 1e6}, 1e6, 0, false},
		{[]float64{1, 1e6 + 1, nan}, 1e6, 1e6 + 1, true},
		{[]float64{2, nan, 3}, 1e6, nan, true},
		{[]float64{2, -inf}, 1e6, -inf, true},
		{[]float64{1e300, -1e300}, inf, 0, false},
		{[]float64{1e300, inf}, inf, inf, true},
		{[]float64{-inf}, inf, -inf, true},
		{[]float64{nan}, inf, nan, true},
	} {
		got, bad := firstBad(c.xs, c.limit)
		assert.Equal(t, c.bad, bad, "%v within %v", c.xs, c.limit)
		assert.Equal(t, math.Float64bits(c.want), math.Float64bits(got), "%v within %v", c.xs, c.limit)
	}
}
