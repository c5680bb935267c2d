package plot

import "fmt"

// argError builds the error for a mistake in what the caller asked for,
// named after the function or picture type: "plot: NiceTicks: maxTicks = 1,
// want ≥ 2". The pure helpers (NiceTicks, Grid, ...) panic with it; the
// pictures' Encode and Save methods return it, as image/png does for an
// image it cannot encode, so that a bad picture never takes down the rest
// of a finished training run.
func argError(op, format string, args ...any) error {
	return fmt.Errorf("plot: %s: %s", op, fmt.Sprintf(format, args...))
}
