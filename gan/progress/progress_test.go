package progress

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"ganbook/tensor"
)

// fakeClock is a clock that moves only when told.
type fakeClock struct{ t time.Time }

func newClock() *fakeClock { return &fakeClock{time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestPlainLines(t *testing.T) {
	// 2000 steps of 2 ms each: 500 steps/s throughout. At step 200,
	// 1800 steps are left, 3.6 s at that rate.
	var buf bytes.Buffer
	clock := newClock()
	bar := NewWithOptions(&buf, 2000, "gan", Options{Mode: Plain, Now: clock.now})
	for step := 1; step <= 2000; step++ {
		clock.advance(2 * time.Millisecond)
		bar.Update(step, Metric{"W1", 1 / float64(step)}, Metric{"D", 0.5})
	}
	bar.Finish()
	want := `gan step 200/2000 (10%) 500 steps/s ETA 3.6s W1 0.005 D 0.5
gan step 400/2000 (20%) 500 steps/s ETA 3.2s W1 0.0025 D 0.5
gan step 600/2000 (30%) 500 steps/s ETA 2.8s W1 0.001667 D 0.5
gan step 800/2000 (40%) 500 steps/s ETA 2.4s W1 0.00125 D 0.5
gan step 1000/2000 (50%) 500 steps/s ETA 2.0s W1 0.001 D 0.5
gan step 1200/2000 (60%) 500 steps/s ETA 1.6s W1 0.0008333 D 0.5
gan step 1400/2000 (70%) 500 steps/s ETA 1.2s W1 0.0007143 D 0.5
gan step 1600/2000 (80%) 500 steps/s ETA 0.8s W1 0.000625 D 0.5
gan step 1800/2000 (90%) 500 steps/s ETA 0.4s W1 0.0005556 D 0.5
gan done 2000/2000 in 4.0s (500 steps/s) W1 0.0005 D 0.5
`
	assert.Equal(t, want, buf.String())
}

func TestPlainSmallAndUneven(t *testing.T) {
	// 7 steps: step s reaches tenth k when 10·s ≥ 7·k, so steps 1 … 6 each
	// pass a new tenth (1, 2, 4, 5, 7, 8) and step 7 is left to Finish.
	var buf bytes.Buffer
	clock := newClock()
	bar := NewWithOptions(&buf, 7, "tiny", Options{Mode: Plain, Now: clock.now})
	for step := 1; step <= 7; step++ {
		clock.advance(time.Second)
		bar.Update(step)
	}
	bar.Finish()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	require.Len(t, lines, 7)
	assert.Equal(t, "tiny step 1/7 (14%) 1 steps/s ETA 6.0s", lines[0])
	assert.Equal(t, "tiny step 6/7 (85%) 1 steps/s ETA 1.0s", lines[5])
	assert.Equal(t, "tiny done 7/7 in 7.0s (1 steps/s)", lines[6])
}

func TestPlainJumpsAndStops(t *testing.T) {
	// Reporting every 250 of 1000 steps: 25 % passes the 10 % and 20 %
	// marks at once and prints one line; 75 % prints, then the run stops.
	var buf bytes.Buffer
	clock := newClock()
	bar := NewWithOptions(&buf, 1000, "run", Options{Mode: Plain, Now: clock.now})
	bar.Update(0) // nothing done yet: no line
	for _, step := range []int{250, 260, 500, 750} {
		clock.advance(65 * time.Second)
		bar.Update(step)
	}
	bar.Finish()
	bar.Finish() // a second Finish writes nothing
	bar.Update(1000)
	// At step 250 after 65 s: 3.85 steps/s, 750 steps left take 195 s.
	// Later lines measure the rate since the last sample that is at least
	// ten seconds old: step 260 at 130 s for step 500 at 195 s, 240 steps
	// in 65 s; the final line gives the average.
	want := `run step 250/1000 (25%) 3.85 steps/s ETA 3m15s
run step 500/1000 (50%) 3.69 steps/s ETA 2m15s
run step 750/1000 (75%) 3.85 steps/s ETA 1m05s
run stopped at 750/1000 in 4m20s (2.88 steps/s)
`
	assert.Equal(t, want, buf.String())
}

func TestTerminalRedraws(t *testing.T) {
	// Updates every 30 ms: the line is drawn at the first one, then each
	// time 100 ms have passed since the last drawing, and at the last step.
	var buf bytes.Buffer
	clock := newClock()
	bar := NewWithOptions(&buf, 20, "gan", Options{Mode: Terminal, Now: clock.now})
	var drawnAt []int
	for step := 1; step <= 20; step++ {
		clock.advance(30 * time.Millisecond)
		before := buf.Len()
		bar.Update(step, Metric{"loss", 0.25})
		if buf.Len() > before {
			drawnAt = append(drawnAt, step)
		}
	}
	// Drawn at 30 ms (step 1), then 150, 270, 390, 510 ms (steps 5, 9,
	// 13, 17), and at step 20, the end.
	assert.Equal(t, []int{1, 5, 9, 13, 17, 20}, drawnAt)
	assert.Equal(t, 6, strings.Count(buf.String(), "\r"))
	assert.NotContains(t, buf.String(), "\n", "the bar stays on one line")

	// Step 5 at 150 ms: 33.3 steps/s, 15 steps left take 0.45 s, shown
	// rounded up; 5 of 20 fills a quarter of the 24 marks.
	frames := strings.Split(buf.String(), "\r")
	assert.Equal(t, "gan [######------------------] 5/20 33.3 steps/s ETA 0.5s loss 0.25"+clearToEOL, frames[2])

	buf.Reset()
	bar.Finish()
	assert.Equal(t, "\rgan done 20/20 in 0.6s (33.3 steps/s) loss 0.25"+clearToEOL+"\n", buf.String())
}

func TestTerminalPrintf(t *testing.T) {
	var buf bytes.Buffer
	clock := newClock()
	bar := NewWithOptions(&buf, 4, "g", Options{Mode: Terminal, Now: clock.now})
	bar.Printf("before the bar") // nothing drawn yet: a plain line
	clock.advance(time.Second)
	bar.Update(1)
	buf.Reset()
	bar.Printf("eval %d: %s", 1, "ok")
	// Clear the bar, write the message, draw the bar on the next line.
	want := "\r" + clearToEOL + "eval 1: ok\n" + "g [######------------------] 1/4 1 steps/s ETA 3.0s" + clearToEOL
	assert.Equal(t, want, buf.String())
}

func TestPlainPrintf(t *testing.T) {
	var buf bytes.Buffer
	bar := NewWithOptions(&buf, 4, "g", Options{Mode: Plain, Now: newClock().now})
	bar.Printf("modes %d/8\n", 7)
	bar.Printf("done")
	assert.Equal(t, "modes 7/8\ndone\n", buf.String())
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0.0s"},
		{-time.Second, "0.0s"},
		{40 * time.Millisecond, "0.0s"},
		{50 * time.Millisecond, "0.1s"},
		{2250 * time.Millisecond, "2.3s"},
		{9940 * time.Millisecond, "9.9s"},
		{9950 * time.Millisecond, "10s"},
		{42 * time.Second, "42s"},
		{59600 * time.Millisecond, "1m00s"},
		{65 * time.Second, "1m05s"},
		{59*time.Minute + 59*time.Second, "59m59s"},
		{2*time.Hour + 3*time.Minute + 9*time.Second, "2h03m09s"},
		{30 * time.Hour, "30h00m00s"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, formatDuration(tt.d))
		})
	}
}

func TestFormatRate(t *testing.T) {
	tests := []struct {
		r    float64
		want string
	}{
		{812.4, "812"}, {100, "100"}, {12345.6, "12346"}, {81.24, "81.2"}, {8.124, "8.12"}, {0.01234, "0.0123"}, {1, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, formatRate(tt.r))
		})
	}
}

func TestModeDetection(t *testing.T) {
	assert.False(t, isTerminal(&bytes.Buffer{}))
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	assert.False(t, isTerminal(w), "a pipe is not a terminal")
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer null.Close()
	assert.True(t, isTerminal(null), "/dev/null is a character device")

	assert.False(t, New(&bytes.Buffer{}, 10, "x").terminal)
	assert.True(t, NewWithOptions(&bytes.Buffer{}, 10, "x", Options{Mode: Terminal}).terminal)
	assert.False(t, NewWithOptions(null, 10, "x", Options{Mode: Plain}).terminal)
}

func TestNewPanics(t *testing.T) {
	defer func() {
		err, ok := recover().(error)
		require.True(t, ok, "the panic value is not an error")
		assert.ErrorIs(t, err, tensor.ErrArgument)
		assert.EqualError(t, err, "progress: New: bad argument total = 0 steps, want ≥ 1")
	}()
	New(&bytes.Buffer{}, 0, "x")
	t.Error("no panic")
}

func TestRateUnknownAtStart(t *testing.T) {
	// No time has passed: no rate and no ETA, rather than a division by 0.
	var buf bytes.Buffer
	bar := NewWithOptions(&buf, 10, "x", Options{Mode: Terminal, Now: newClock().now})
	bar.Update(3)
	assert.Equal(t, "\rx [#######-----------------] 3/10"+clearToEOL, buf.String())
}

func TestFinishOneStepShort(t *testing.T) {
	var buf bytes.Buffer
	clock := newClock()
	bar := NewWithOptions(&buf, 10, "x", Options{Mode: Plain, Now: clock.now})
	clock.advance(time.Second)
	bar.Update(9)
	buf.Reset()
	bar.Finish()
	assert.Equal(t, "x stopped at 9/10 in 1.0s (9 steps/s)\n", buf.String())
}

// A run whose first steps are slow: the ETA follows the recent rate, not
// the average since the start.
func TestETAFromRecentSteps(t *testing.T) {
	var buf bytes.Buffer
	clock := newClock()
	bar := NewWithOptions(&buf, 1000, "wgan", Options{Mode: Terminal, Now: clock.now, Width: 200})
	for step := 1; step <= 25; step++ { // 25 slow steps, 1 s each
		clock.advance(time.Second)
		bar.Update(step)
	}
	for step := 26; step <= 525; step++ { // then 50 steps a second
		clock.advance(20 * time.Millisecond)
		bar.Update(step)
	}
	frames := strings.Split(buf.String(), "\r")
	last := frames[len(frames)-1]
	// The average rate, 525 steps in 35 s, would promise 475/15 = 32 s.
	assert.Contains(t, last, "525/1000 50 steps/s ETA 9.5s", last)
}

// On a narrow terminal the line shrinks to fit: a line that wraps would
// leave a stale row at every redraw.
func TestTerminalLineFitsTheWidth(t *testing.T) {
	metrics := []Metric{{"modes", 23}, {"high quality", 0.072}, {"reverse KL", 0.4683}}
	speed := " 186 steps/s ETA 9.5s"
	label := "WGAN-GP grid-25"
	full := fitLine(label, 300, 2000, speed, metrics, 200)
	assert.Equal(t, "WGAN-GP grid-25 [###---------------------] 300/2000 186 steps/s ETA 9.5s modes 23 high quality 0.072 reverse KL 0.4683", full)
	for _, width := range []int{79, 60, 40, 20, 5, 0} {
		line := fitLine(label, 300, 2000, speed, metrics, width)
		assert.LessOrEqual(t, utf8.RuneCountInString(line), width, "%d: %q", width, line)
	}
	assert.Equal(t, "WGAN-GP grid-25 [###-------------------] 300/2000 186 steps/s ETA 9.5s modes 23", fitLine(label, 300, 2000, speed, metrics, 79))
	assert.Equal(t, "WGAN-GP grid-25 [#-----------] 300/2000 186 steps/s ETA 9.5s", fitLine(label, 300, 2000, speed, metrics, 60))
	assert.Equal(t, "WGAN-GP grid-25 300/2000", fitLine(label, 300, 2000, speed, metrics, 30))

	// Options.Width, else $COLUMNS, else 80 (a buffer is no terminal).
	var buf bytes.Buffer
	t.Setenv("COLUMNS", "50")
	bar := NewWithOptions(&buf, 2000, label, Options{Mode: Terminal, Now: newClock().now})
	assert.Equal(t, 50, bar.columns())
	t.Setenv("COLUMNS", "")
	assert.Equal(t, 80, bar.columns())
	bar.width = 33
	assert.Equal(t, 33, bar.columns())
}
