// Package live serves a web page that shows a toy GAN training as it
// happens, in the manner of GAN Lab (https://poloclub.github.io/ganlab/),
// from this project's own training code, offline, with the standard
// library's net/http:
//
//   - real samples and generated ones over the discriminator's map (D's
//     probability of "real", or a critic's score, as a heatmap with a
//     colour key);
//   - the manifold view: G's image of a grid of noise;
//   - gradient arrows: where the generator's loss pushes each generated
//     sample, −∂L_G/∂x;
//   - loss and metric curves (modes captured and high-quality share on the
//     mixtures, the exact W₁ distance on the swiss roll and the line);
//   - controls: play, pause, one step, reset; the data set (ring-8,
//     grid-25, 8 Gaussians, swiss roll, a 1-D mixture), the loss (minimax,
//     non-saturating, WGAN with clipping, WGAN-GP, DRAGAN), the two
//     learning rates, D steps per G step, and the seed.
//
// # One training goroutine, immutable snapshots
//
// autograd's recording switch (NoGrad) is process-wide, so everything that
// builds or differentiates a graph runs on one goroutine, Server.Run: the
// training steps, and also the evaluation that makes a picture (sampling
// G, D on the heatmap's grid, the arrows' input gradients). After a
// number of steps, at most 20 times and at least 10 times a second while
// training, and after every command, Run computes a Snapshot, copies every
// number into fresh slices and publishes a pointer to it. A snapshot is
// never changed after that, so the HTTP handlers read it without locks on
// the run and never touch a network or a tensor. Commands from the page
// (play, pause, step, reset, set) travel the other way over a channel and
// are applied between two steps; the handler waits for the answer.
//
// # Server-Sent Events, latest only
//
// The page subscribes to /events, a Server-Sent Events stream whose every
// event is the latest snapshot as JSON. Each client is sent whatever is
// latest when it is ready for more: a slow browser skips snapshots, never
// queues them, and never slows training. The JSON of a snapshot is
// encoded once, by the first client that needs it, not by the training
// goroutine. Several tabs may watch (and drive) one run.
//
// # Checks, determinism, shutdown
//
// Values from the page are parsed and range-checked like flags, in the
// handler (a 400 answer with a JSON body naming the field and the value)
// and again on the training goroutine. A NaN or ±Inf in a loss or a weight
// pauses the run and puts the reason on the page; the server goes on.
// Reset rebuilds the run from its seed, with the random streams of
// gan.ToyRun, so the same seed and the same sequence of commands
// (steps taken while paused, or the same number of steps played) give the
// same numbers, and on a 2-D mixture with equal learning rates the losses
// are those of the toy chapters, bit for bit. Serve stops when its context
// is cancelled (a chapter passes signal.NotifyContext's): event streams
// end, http.Server.Shutdown waits for the other requests, and the training
// goroutine stops at a step boundary. The server writes no files.
//
// # Address
//
// Serve listens where it is told. The page has no authentication, so an
// address that is not loopback (":8080", "0.0.0.0:8080", a LAN name) is
// refused unless Config.AllowRemote is set, and then a warning is printed.
// Without AllowRemote, requests whose Host header is not localhost or a
// loopback address are refused too (which defeats DNS rebinding), and
// cross-origin requests that change state are refused always
// (http.CrossOriginProtection).
package live
