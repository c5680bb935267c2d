// Package progress shows how far a training run has got: a bar redrawn in
// place on a terminal, or a few plain lines in a log file.
//
// On a terminal the bar is one line, rewritten at most ten times a second
// by returning the cursor to the start ('\r') and clearing what is left of
// the old line (ESC [K):
//
//	gan [#########---------------] 750/2000 812 steps/s ETA 1.5s W1 0.123
//
// The line must fit the terminal's width: a longer one wraps, '\r' then
// returns only to the start of its last row, and every redraw leaves a
// stale row behind. So the bar asks the terminal for its width (the
// TIOCGWINSZ ioctl, through the standard library's syscall package; else
// $COLUMNS; else 80) at every redraw, and shortens the line to fit: first
// the bar itself, then the metrics from the last, then the label.
//
// Anywhere else (a pipe, a file, a CI log) carriage returns would pile up,
// so the bar prints a plain line each time the run passes another tenth of
// its steps, and one final line:
//
//	gan step 200/2000 (10%) 812 steps/s ETA 2.2s W1 0.412
//	...
//	gan done 2000/2000 in 2.5s (812 steps/s) W1 0.123
//
// The rate shown, and the ETA (the steps left divided by it), come from the
// recent steps, those of the last ten seconds or so: a run whose first
// steps are slow (chapter 05 trains its critic twenty times as often in
// its first 25 steps) would otherwise be promised an hour for a minute's
// work. The final line gives the average over the whole run. The clock
// can be replaced (Options.Now), so tests see exactly the same output
// every time.
package progress

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ganbook/tensor"
)

// Metric is a named number shown after the bar, such as the latest W₁
// estimate: Metric{"W1", 0.123} prints as "W1 0.123" (4 significant digits).
type Metric struct {
	Name  string
	Value float64
}

// Mode says how a Bar draws itself.
type Mode int

const (
	// Auto draws the terminal bar if the writer is an *os.File that is a
	// character device, and plain lines otherwise.
	Auto Mode = iota
	// Terminal always redraws one line in place.
	Terminal
	// Plain always prints a line per tenth of the run.
	Plain
)

// Options adjusts a Bar. The zero value means Auto mode, the real clock
// and the terminal's width.
type Options struct {
	Mode Mode
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Width is the number of columns the terminal line may take; 0 means
	// ask the terminal, then $COLUMNS, then use 80.
	Width int
}

// Bar shows the progress of a run of a known number of steps. It is not
// safe for concurrent use: call it from the training loop.
type Bar struct {
	w        io.Writer
	total    int
	label    string
	now      func() time.Time
	terminal bool

	width    int // Options.Width
	start    time.Time
	step     int
	recent   []sample // (time, step) over the last rateWindow, oldest first
	metrics  []Metric
	lastDraw time.Time // terminal: when the line was last drawn
	drawn    bool      // terminal: whether it has been drawn at all
	nextTick int       // plain: the next tenth k = 1 … 9 to report
	finished bool
}

// sample is the step reached at a time.
type sample struct {
	at   time.Time
	step int
}

const (
	barWidth     = 24
	minBarWidth  = 8
	redrawEvery  = 100 * time.Millisecond
	clearToEOL   = "\x1b[K"
	rateWindow   = 10 * time.Second       // the rate is measured over about this much recent time
	sampleEvery  = 250 * time.Millisecond // how often a (time, step) sample is kept
	defaultWidth = 80
)

// New returns a Bar for a run of total steps that writes to w, choosing the
// terminal or the plain form by looking at w. It panics with a
// *tensor.Error wrapping tensor.ErrArgument if total < 1.
func New(w io.Writer, total int, label string) *Bar {
	return NewWithOptions(w, total, label, Options{})
}

// NewWithOptions is New with a chosen mode and clock. The run's clock
// starts now. It panics as New does if total < 1.
func NewWithOptions(w io.Writer, total int, label string, opt Options) *Bar {
	if total < 1 {
		panic(tensor.NewError("progress", tensor.ErrArgument, "New", "total = %d steps, want ≥ 1", total))
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	terminal := opt.Mode == Terminal || (opt.Mode == Auto && isTerminal(w))
	start := now()
	return &Bar{w: w, total: total, label: label, now: now, terminal: terminal, width: opt.Width, start: start,
		nextTick: 1, recent: []sample{{start, 0}}}
}

// isTerminal says whether w is a character device such as a terminal.
// (/dev/null is one too, which does no harm.)
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// Update records that step of the total steps are done, with the latest
// metrics, and shows it: on a terminal if the last redraw was at least
// 0.1 s ago or the run is complete; in plain mode if step is the first to
// reach a new tenth of the run (10 %, 20 %, … 90 %; Finish writes the last
// line). Updates after Finish are ignored.
func (b *Bar) Update(step int, metrics ...Metric) {
	if b.finished {
		return
	}
	b.step = step
	b.metrics = append(b.metrics[:0], metrics...)
	now := b.now()
	b.remember(now, step)
	if b.terminal {
		if b.drawn && now.Sub(b.lastDraw) < redrawEvery && step < b.total {
			return
		}
		b.lastDraw, b.drawn = now, true
		fmt.Fprint(b.w, "\r"+b.barLine(now)+clearToEOL)
		return
	}
	// 10·step ≥ k·total says that step has reached the k-th tenth.
	if b.nextTick <= 9 && step < b.total && 10*step >= b.nextTick*b.total {
		fmt.Fprintln(b.w, b.plainLine(now))
		b.nextTick = 10*step/b.total + 1
	}
}

// Printf writes a message on its own line without garbling the bar: on a
// terminal it clears the bar's line, writes the message and a newline, and
// draws the bar again below it. A newline is added if format lacks one.
func (b *Bar) Printf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	if !b.terminal || b.finished || !b.drawn {
		fmt.Fprint(b.w, msg)
		return
	}
	now := b.now()
	b.lastDraw = now
	fmt.Fprint(b.w, "\r"+clearToEOL+msg+b.barLine(now)+clearToEOL)
}

// Finish writes the final line, with the time taken and the average rate:
// "label done 2000/2000 in 2.5s (812 steps/s) W1 0.123", or "stopped at"
// instead of "done" if the last step reported is short of the total. On a
// terminal it replaces the bar and ends the line. Calling it again does
// nothing.
func (b *Bar) Finish() {
	if b.finished {
		return
	}
	b.finished = true
	now := b.now()
	elapsed := now.Sub(b.start)
	verb := "done"
	if b.step < b.total {
		verb = "stopped at"
	}
	line := fmt.Sprintf("%s %s %d/%d in %s", b.label, verb, b.step, b.total, formatDuration(elapsed))
	if rate, ok := b.rate(now); ok {
		line += " (" + formatRate(rate) + " steps/s)"
	}
	line += b.metricText()
	if b.terminal {
		line = "\r" + line + clearToEOL
	}
	fmt.Fprintln(b.w, line)
}

// remember keeps a (time, step) sample every sampleEvery, and forgets those
// older than rateWindow, keeping at least the newest one of them as the
// start of the window.
func (b *Bar) remember(now time.Time, step int) {
	if last := b.recent[len(b.recent)-1]; now.Sub(last.at) >= sampleEvery {
		b.recent = append(b.recent, sample{now, step})
	}
	drop := 0
	for drop+1 < len(b.recent) && now.Sub(b.recent[drop+1].at) >= rateWindow {
		drop++
	}
	b.recent = b.recent[drop:]
}

// barLine is the terminal form, fitted to the terminal's width:
// "label [#####-------] 500/2000 812 steps/s ETA 2s W1 0.123".
func (b *Bar) barLine(now time.Time) string {
	return fitLine(b.label, b.step, b.total, b.speedText(now), b.metrics, b.columns()-1)
}

// columns is the width of the terminal line.
func (b *Bar) columns() int {
	if b.width > 0 {
		return b.width
	}
	if f, ok := b.w.(*os.File); ok {
		if n, ok := terminalWidth(f); ok {
			return n
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return defaultWidth
}

// fitLine writes the terminal line in at most width columns (runes): the
// bar shrinks from 24 marks to 8, then the metrics go from the last (the
// bar growing back where it can), then the bar and the speed, and what is
// still too long is cut.
func fitLine(label string, step, total int, speed string, metrics []Metric, width int) string {
	line := func(marks int, metrics []Metric, speed string) string {
		s := label
		if marks > 0 {
			done := min(max(step, 0), total) * marks / total
			s += " [" + strings.Repeat("#", done) + strings.Repeat("-", marks-done) + "]"
		}
		return s + fmt.Sprintf(" %d/%d", step, total) + speed + metricText(metrics)
	}
	fits := func(s string) bool { return utf8.RuneCountInString(s) <= width }
	for n := len(metrics); n >= 0; n-- {
		for marks := barWidth; marks >= minBarWidth; marks-- {
			if s := line(marks, metrics[:n], speed); fits(s) {
				return s
			}
		}
	}
	s := line(0, nil, speed)
	if !fits(s) {
		s = line(0, nil, "")
	}
	if !fits(s) {
		s = string([]rune(s)[:max(width, 0)])
	}
	return s
}

// plainLine is the log form:
// "label step 500/2000 (25%) 812 steps/s ETA 2s W1 0.123".
func (b *Bar) plainLine(now time.Time) string {
	percent := min(max(b.step, 0)*100/b.total, 100)
	return fmt.Sprintf("%s step %d/%d (%d%%)", b.label, b.step, b.total, percent) + b.speedText(now) + b.metricText()
}

// speedText is " 812 steps/s ETA 2s", or "" before the rate is known. Both
// numbers come from the recent steps (recentRate).
func (b *Bar) speedText(now time.Time) string {
	from := b.recent[0]
	steps, elapsed := b.step-from.step, now.Sub(from.at)
	if steps <= 0 || elapsed <= 0 {
		return ""
	}
	// steps left / rate, written as elapsed·left/steps so that round
	// numbers stay exact; capped at 10⁸ s to stay within a time.Duration.
	left := max(b.total-b.step, 0)
	eta := float64(elapsed) * float64(left) / float64(steps)
	rate := float64(steps) / elapsed.Seconds()
	return " " + formatRate(rate) + " steps/s ETA " + formatDuration(time.Duration(min(eta, 1e17)))
}

// rate is the average steps per second since the start, for the final
// line; it is unknown (false) until some steps are done and some time has
// passed.
func (b *Bar) rate(now time.Time) (float64, bool) {
	elapsed := now.Sub(b.start).Seconds()
	if b.step <= 0 || elapsed <= 0 {
		return 0, false
	}
	return float64(b.step) / elapsed, true
}

func (b *Bar) metricText() string { return metricText(b.metrics) }

func metricText(metrics []Metric) string {
	var s strings.Builder
	for _, m := range metrics {
		fmt.Fprintf(&s, " %s %.4g", m.Name, m.Value)
	}
	return s.String()
}

// formatRate writes a rate with three significant digits, or as a whole
// number from 100 up: "812", "81.2", "8.12", "0.0123".
func formatRate(r float64) string {
	if r >= 100 {
		return fmt.Sprintf("%.0f", r)
	}
	return fmt.Sprintf("%.3g", r)
}

// formatDuration writes d rounded to a tenth of a second below 10 s
// ("2.5s"), to whole seconds above: "42s", "1m05s", "2h03m09s".
func formatDuration(d time.Duration) string {
	d = max(d, 0)
	if tenths := (d + 50*time.Millisecond) / (100 * time.Millisecond); tenths < 100 {
		return fmt.Sprintf("%d.%ds", tenths/10, tenths%10)
	}
	s := int64((d + 500*time.Millisecond) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	default:
		return fmt.Sprintf("%dh%02dm%02ds", s/3600, s/60%60, s%60)
	}
}
