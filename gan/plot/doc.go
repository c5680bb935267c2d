// Package plot draws the pictures of ganbook's chapters with the standard
// library alone. Every picture a chapter writes is an SVG that a reader can
// read without the code: a title, axes with round ticks and labels, a
// legend and, where colour carries a value, a colour key, all outside the
// plot area so that they hide no data. The standard library has no fonts,
// so pictures made of pixels (a scatter plot's background) are drawn as a
// PNG and embedded in the SVG, whose text the viewer draws.
//
// A GAN is hard to judge from its losses (chapter 02 measures how little
// they say), so the chapters look at what the networks do:
//
//   - Scatter (SVG around a PNG) is the picture GAN Lab made familiar for
//     2-D data: the real samples and the generated samples as dots, over a
//     heatmap of the discriminator's output D(x, y) (or a critic's value),
//     with the centres of the data's modes as rings. Where the generator has
//     collapsed onto a few modes, rings stand empty; where D has learned the
//     two sets apart, the purple "looks generated" region sits under the
//     orange generated dots.
//   - LineChart (SVG) follows numbers over training: losses, W₁, modes
//     captured, a critic's estimate beside a dashed line at the true value,
//     optionally on a log scale. A diverged run's NaNs show as gaps.
//   - Histogram (SVG) shows how values spread, such as a critic's weights
//     piling up at the clipping bounds ±c marked by dashed lines.
//   - Heatmap (SVG; or PNG without text) shows a matrix, such as the number of
//     generated samples near each mode (a row) at each evaluation (a
//     column): a generator hopping between modes draws a staircase.
//   - ImageGrid (PNG) tiles a batch of generated images, digits for
//     instance, to be looked at side by side.
//
// # Coordinates and colours
//
// Data coordinates are Points (x to the right, y upward) inside a Window;
// FitWindow and Window.Square choose one, and Window.Grid gives the points
// at which to evaluate a discriminator, in the order a Field expects, so
// that the whole grid goes through the network as one batch. Points and
// Flatten convert between []Point and the interleaved (n, 2) layout of a
// tensor.
//
// Two colour maps take t ∈ [0, 1]: Diverging (purple, white, green) for
// values with a meaningful middle such as D = ½, and Sequential (a
// viridis-like ramp, dark to light) for magnitudes such as counts. Line
// series take the colour-blind-safe colours of SeriesColor.
//
// # Writing pictures
//
// Every picture is a struct that says what to draw; zero fields take
// sensible defaults. Encode writes it to an io.Writer, which tests decode
// again; Save writes a file atomically (through layers/atomicfile), so a
// reader never sees half a picture, and its errors name the file. A picture
// that cannot be drawn as asked (a window of zero width, a field of the
// wrong size) is reported by an error from Encode and Save rather than a
// panic, as image/png does: a bad picture should not throw away the rest of
// a finished training run. The small helpers that return values instead
// (NiceTicks, Grid, Bin, ...) panic on a bad argument, like the rest of
// ganbook, with a *tensor.Error wrapping tensor.ErrArgument ("plot:
// NiceTicks: bad argument maxTicks = 2, want ≥ 3").
//
// One rule for colours holds in every chapter: real samples dark green,
// generated samples orange, the modes' centres black rings, and behind
// them green where the discriminator says "real", purple where it says
// "generated".
package plot
