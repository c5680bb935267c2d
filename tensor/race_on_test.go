//go:build race

package tensor

// raceEnabled reports a build with the race detector, which makes
// sync.Pool drop items at random (so pooled scratch space is reallocated).
const raceEnabled = true
