// Package gan holds what every chapter shares: the adversarial losses, the
// Lipschitz constraints of the Wasserstein family, and the mechanics of a
// training run (steps, evaluation points, progress, divergence detection,
// history).
//
// Its subpackages hold the rest: data (toy distributions), metrics (mode
// coverage, exact Wasserstein distances), plot (pictures), progress (the
// progress bar) and chapter (flags, results table, metrics.json).
//
// The game stays where a reader can see who is updated, on which loss, and
// how often: in the chapter's file, or, when several chapters must run the
// very same experiment to compare methods fairly, in one named recipe and
// runner (toyexp.go: Recipe, ToyExperiment.Run) that those chapters call.
package gan
