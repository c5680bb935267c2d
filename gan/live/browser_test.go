package live

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The browser test loads the page in headless Chromium (Debian's chromium
// package) from a test server, drives it over the DevTools protocol and
// checks what a reader would see: samples drawn on the canvas, the step
// counter advancing, and the counter stopping when the pause button is
// pressed. It is skipped with -short, and skipped (or, with
// GANBOOK_REQUIRE_BROWSER=1 as .ci/run sets, failed) when Chromium is not
// installed.
//
// GANBOOK_LIVE_SCREENSHOT=path makes it train longer first
// (GANBOOK_LIVE_STEPS steps, default 2000, with the data set
// GANBOOK_LIVE_DATA and the loss GANBOOK_LIVE_LOSS, default ring-8 and
// non-saturating) and save its screenshot there: that is how
// docs/img/live/live.png is made.

const chromiumPath = "/usr/bin/chromium"

func chromium(t *testing.T) string {
	if _, err := os.Stat(chromiumPath); err == nil {
		return chromiumPath
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	msg := "browser test: headless Chromium not found at " + chromiumPath +
		" (Debian: apt-get install -y chromium; .ci/run installs it)"
	if os.Getenv("GANBOOK_REQUIRE_BROWSER") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// pageProbe is what the test reads from the page: the step counter, the
// status line, the message line, whether pause is enabled, and how many
// canvas pixels have exactly the colour of a generated sample (orange) and
// of a real one (dark green): a dot's inside is painted in its colour
// exactly, and neither colour occurs in the heatmap's ramp.
type pageProbe struct {
	Step    int    `json:"step"`
	Fake    int    `json:"fake"`
	Real    int    `json:"real"`
	Status  string `json:"status"`
	Message string `json:"message"`
	Width   int    `json:"width"`
}

const probeJS = `(() => {
  const c = document.getElementById('canvas');
  if (!c || !document.getElementById('step')) return { step: -1, fake: 0, real: 0, width: 0, status: 'not loaded', message: '' };
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let fake = 0, real = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] === 240 && d[i + 1] === 128 && d[i + 2] === 0) fake++;
    else if (d[i] === 0 && d[i + 1] === 68 && d[i + 2] === 27) real++;
  }
  return { step: Number(document.getElementById('step').textContent), fake, real, width: c.width,
    status: document.getElementById('status').textContent, message: document.getElementById('message').textContent };
})()`

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	bin := chromium(t)
	began := time.Now()
	shot := os.Getenv("GANBOOK_LIVE_SCREENSHOT")
	cfg := Config{Data: "ring-8"}
	if shot != "" {
		cfg.Data, cfg.Loss = os.Getenv("GANBOOK_LIVE_DATA"), os.Getenv("GANBOOK_LIVE_LOSS")
	}
	ts := startServer(t, cfg)
	browser := launchChromium(t, bin)
	page := browser.open(t, ts.URL+"/")

	probe := func() pageProbe {
		var p pageProbe
		require.NoError(t, page.eval(probeJS, &p), "reading the page")
		return p
	}
	waitPage := func(limit time.Duration, what string, cond func(pageProbe) bool) pageProbe {
		t.Helper()
		deadline := time.Now().Add(limit)
		for {
			p := probe()
			if cond(p) {
				return p
			}
			if time.Now().After(deadline) {
				t.Fatalf("browser test: waited %v for %s; the page shows step %d, %d orange and %d green pixels on a %d-pixel-wide canvas, status %q, message %q",
					limit, what, p.Step, p.Fake, p.Real, p.Width, p.Status, p.Message)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	// 1. Samples are drawn: the canvas holds dots of both colours.
	const minPixels = 30
	first := waitPage(15*time.Second, "the canvas to show real and generated samples",
		func(p pageProbe) bool { return p.Step > 0 && p.Fake >= minPixels && p.Real >= minPixels })
	// 2. Playing, the counter advances.
	waitPage(10*time.Second, "the step counter to advance while training",
		func(p pageProbe) bool { return p.Step > first.Step })
	if shot != "" {
		steps := 2000
		if v, err := strconv.Atoi(os.Getenv("GANBOOK_LIVE_STEPS")); err == nil {
			steps = v
		}
		waitPage(5*time.Minute, fmt.Sprintf("%d steps for the screenshot", steps), func(p pageProbe) bool { return p.Step >= steps })
	}

	// 3. Pressing pause stops the counter: the server says paused, the
	// page shows the server's last step, and it stays there.
	require.NoError(t, page.eval(`document.getElementById('pause').click()`, nil), "clicking pause")
	var server *Snapshot
	waitFor(t, 5*time.Second, "the server to pause after the click", func() bool { server = ts.state(t); return !server.Running })
	paused := waitPage(5*time.Second, fmt.Sprintf("the page to show the paused step %d", server.Step),
		func(p pageProbe) bool { return p.Step == server.Step && strings.Contains(p.Status, "paused") })
	time.Sleep(500 * time.Millisecond)
	if later := probe(); later.Step != paused.Step {
		t.Fatalf("browser test: the step counter went on after pause was pressed: %d, then %d 0.5 s later", paused.Step, later.Step)
	}

	// 4. A screenshot of the page, which must show generated samples too.
	var sc struct {
		Data string `json:"data"`
	}
	require.NoError(t, page.call("Page.captureScreenshot", map[string]any{"format": "png"}, &sc), "taking the screenshot")
	raw, err := base64.StdEncoding.DecodeString(sc.Data)
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(raw))
	require.NoError(t, err, "the screenshot is not a PNG")
	if n := countColour(img, 240, 128, 0); n < minPixels {
		t.Fatalf("browser test: the screenshot has %d orange pixels, want at least %d (no generated samples drawn)", n, minPixels)
	}

	// 5. A bad value typed into a field is refused, and the page says why.
	require.NoError(t, page.eval(`(() => { const el = document.getElementById('lr_g');
		el.value = 'abc'; el.dispatchEvent(new Event('change')); })()`, nil), "typing into lr_g")
	waitPage(5*time.Second, "the page to show the server's refusal of lr_g = abc",
		func(p pageProbe) bool { return strings.Contains(p.Message, `lr_g = "abc": not a number`) })

	path := filepath.Join(t.TempDir(), "live.png")
	if shot != "" {
		path = shot
	}
	require.NoError(t, os.WriteFile(path, raw, 0o644))
	t.Logf("browser test: %v, step %d at pause, screenshot %s (%dx%d)", time.Since(began).Round(time.Millisecond),
		paused.Step, path, img.Bounds().Dx(), img.Bounds().Dy())
}

func countColour(img image.Image, r, g, b uint8) int {
	n := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if uint8(cr>>8) == r && uint8(cg>>8) == g && uint8(cb>>8) == b {
				n++
			}
		}
	}
	return n
}

// launchChromium starts headless Chromium with a fresh profile in a
// temporary folder and returns a DevTools session with the browser. The
// browser is closed (and, if it lingers, killed) when the test ends.
func launchChromium(t *testing.T, bin string) *cdp {
	t.Helper()
	profile := t.TempDir()
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
		"--disable-extensions", "--disable-dev-shm-usage", "--mute-audio", "--hide-scrollbars",
		"--user-data-dir="+profile, "--remote-debugging-port=0", "--window-size=1280,900", "about:blank")
	stderr, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = cmd.Stdout // Chromium prints the DevTools address on stderr
	require.NoError(t, cmd.Start(), "starting %s", bin)

	// Read the output to its end (so that Chromium never blocks on it),
	// keeping the last lines for error messages.
	var mu sync.Mutex
	var tail []string
	found := make(chan string, 1)
	exited := make(chan struct{})
	go func() {
		re := regexp.MustCompile(`DevTools listening on (ws://\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			tail = append(tail, line)
			if len(tail) > 8 {
				tail = tail[1:]
			}
			mu.Unlock()
			if m := re.FindStringSubmatch(line); m != nil {
				found <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
		cmd.Wait()
		close(exited)
	}()
	lastLines := func() string { mu.Lock(); defer mu.Unlock(); return strings.Join(tail, "\n") }

	var wsURL string
	select {
	case wsURL = <-found:
	case <-exited:
		t.Fatalf("browser test: %s exited before offering DevTools:\n%s", bin, lastLines())
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("browser test: %s did not offer DevTools within 20 s:\n%s", bin, lastLines())
	}
	ws, err := dialWebSocket(wsURL, 10*time.Second)
	require.NoError(t, err, "connecting to Chromium's DevTools at %s", wsURL)
	browser := &cdp{ws: ws, timeout: 10 * time.Second}
	t.Cleanup(func() {
		browser.call("Browser.close", map[string]any{}, nil)
		ws.Close()
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	return browser
}

// open makes a 1280 × 900 page, loads url in it and returns a session
// attached to it.
func (c *cdp) open(t *testing.T, url string) *cdp {
	t.Helper()
	var target struct {
		TargetID string `json:"targetId"`
	}
	require.NoError(t, c.call("Target.createTarget", map[string]any{"url": "about:blank"}, &target))
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	require.NoError(t, c.call("Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached))
	page := &cdp{ws: c.ws, session: attached.SessionID, timeout: c.timeout, nextID: 1 << 20} // ids apart from the browser's
	require.NoError(t, page.call("Emulation.setDeviceMetricsOverride",
		map[string]any{"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false}, nil))
	var nav struct {
		ErrorText string `json:"errorText"`
	}
	require.NoError(t, page.call("Page.navigate", map[string]any{"url": url}, &nav))
	require.Empty(t, nav.ErrorText, "browser test: loading %s", url)
	return page
}
