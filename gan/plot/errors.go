package plot

import (
	"fmt"

	"ganbook/tensor"
)

// argError builds the error for a picture that cannot be drawn as asked,
// named after the picture type: "plot: Heatmap: cell size -1 < 0". The
// pictures' Encode and Save methods return it, as image/png does for an
// image it cannot encode, so that a bad picture never takes down the rest
// of a finished training run.
func argError(op, format string, args ...any) error {
	return fmt.Errorf("plot: %s: %s", op, fmt.Sprintf(format, args...))
}

// panicf panics with a *tensor.Error wrapping tensor.ErrArgument for a
// caller's mistake in one of the pure helpers (NiceTicks, Window.Grid,
// Bin, ...), the way the rest of ganbook does: "plot: NiceTicks: bad
// argument maxTicks = 2, want ≥ 3". Test it with
// errors.Is(err, tensor.ErrArgument).
func panicf(op, format string, args ...any) {
	panic(tensor.NewError("plot", tensor.ErrArgument, op, format, args...))
}
