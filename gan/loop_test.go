package gan

import (
	"errors"
	"math"
	"math/rand/v2"
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
