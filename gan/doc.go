// Package gan holds what every chapter shares: the adversarial losses, the
// Lipschitz constraints of the Wasserstein family, and the mechanics of a
// training run (steps, evaluation points, progress, divergence detection,
// history).
//
// Its subpackages hold the rest: data (toy distributions), metrics (mode
// coverage, exact Wasserstein distances), plot (pictures), progress (the
// progress bar) and chapter (flags, results table, metrics.json).
//
// The game itself stays in each chapter's file, where a reader can see who
// is updated, on which loss, and how often.
package gan
