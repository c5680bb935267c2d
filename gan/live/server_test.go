package live

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests in this package never run in parallel: every Server trains on its
// own goroutine, and autograd's recording switch is process-wide, so two
// runs at once would disturb each other. Each test stops its server's
// training goroutine before it ends.

// small keeps the tests' runs cheap.
func small(cfg Config) Config {
	cfg.Hidden, cfg.Batch = 8, 16
	return cfg
}

type testServer struct {
	*Server
	URL string
}

// startServer runs a Server with its training goroutine and an httptest
// server, both stopped (in that order) when the test ends.
func startServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	s, err := NewServer(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
		hs.Close()
	})
	ts := &testServer{Server: s, URL: hs.URL}
	waitFor(t, 10*time.Second, "the first snapshot", func() bool {
		resp, err := http.Get(ts.URL + "/state")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return ts
}

func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", limit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (ts *testServer) state(t *testing.T) *Snapshot {
	t.Helper()
	resp, err := http.Get(ts.URL + "/state")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var s Snapshot
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&s))
	return &s
}

// control posts a form to /control and returns the status and the
// decoded JSON answer.
func (ts *testServer) control(t *testing.T, form string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(ts.URL+"/control", "application/x-www-form-urlencoded", strings.NewReader(form))
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body), "the answer to %q is not JSON", form)
	return resp.StatusCode, body
}

func (ts *testServer) mustControl(t *testing.T, form string) map[string]any {
	t.Helper()
	status, body := ts.control(t, form)
	require.Equal(t, http.StatusOK, status, "%s: %v", form, body)
	return body
}

// onEngine runs f on the training goroutine.
func (ts *testServer) onEngine(t *testing.T, f func(*engine)) {
	c := command{do: f, reply: make(chan reply, 1)}
	ts.cmds <- c
	<-c.reply
}

func TestStateEndpoint(t *testing.T) {
	ts := startServer(t, small(Config{Data: "grid-25", Paused: true, Seed: 5}))
	s := ts.state(t)
	assert.Equal(t, 0, s.Step)
	assert.False(t, s.Running)
	assert.Empty(t, s.Error)
	assert.Equal(t, "grid-25", s.Config.Data)
	assert.Equal(t, uint64(5), s.Config.Seed)
	assert.Equal(t, 2, s.Dim)
	assert.Len(t, s.Real, 2*showN)
	assert.Len(t, s.Fake, 2*showN)
	assert.Len(t, s.Heat.Values, heatSide*heatSide)
	assert.True(t, s.Heat.Probability)
	assert.Len(t, s.Centers, 2*25)
	assert.Positive(t, s.Seq)
	for _, v := range append(append(s.Fake, s.Heat.Values...), s.Arrows...) {
		require.False(t, math.IsNaN(v) || math.IsInf(v, 0))
	}
}

func TestStepPlayPause(t *testing.T) {
	ts := startServer(t, small(Config{Paused: true}))
	for want := 1; want <= 3; want++ {
		body := ts.mustControl(t, "action=step")
		assert.EqualValues(t, want, body["step"])
		assert.Equal(t, false, body["running"])
	}
	assert.Equal(t, 3, ts.state(t).Step, "/state shows the steps taken")

	assert.Equal(t, true, ts.mustControl(t, "action=play")["running"])
	waitFor(t, 10*time.Second, "training to pass step 20", func() bool { return ts.state(t).Step > 20 })
	paused := ts.mustControl(t, "action=pause")
	assert.Equal(t, false, paused["running"])
	at := ts.state(t)
	assert.False(t, at.Running)
	assert.EqualValues(t, paused["step"], at.Step, "the state after pause shows the step pause answered")
	time.Sleep(300 * time.Millisecond)
	assert.Equal(t, at.Step, ts.state(t).Step, "steps went on after pause")
}

func TestBadValues(t *testing.T) {
	ts := startServer(t, small(Config{Paused: true}))
	before := ts.state(t)
	tests := []struct {
		form  string
		field string
	}{
		{"", "action"},
		{"action=fly", "action"},
		{"action=play&action=pause", "action"},
		{"action=pause&lr_g=1", "action"},
		{"action=set", "action"},
		{"action=set&lr_g=abc", "lr_g"},
		{"action=set&lr_g=NaN", "lr_g"},
		{"action=set&lr_g=%2BInf", "lr_g"},
		{"action=set&lr_g=0", "lr_g"},
		{"action=set&lr_g=-0.001", "lr_g"},
		{"action=set&lr_d=7", "lr_d"},
		{"action=set&lr_d=0.1&lr_d=0.2", "lr_d"},
		{"action=set&d_steps=0", "d_steps"},
		{"action=set&d_steps=2.5", "d_steps"},
		{"action=set&d_steps=1000", "d_steps"},
		{"action=set&seed=-1", "seed"},
		{"action=set&seed=0", "seed"},
		{"action=set&seed=x", "seed"},
		{"action=set&data=moons", "data"},
		{"action=set&data=", "data"},
		{"action=set&loss=lsgan", "loss"},
		{"action=set&batch=10", "batch"},
		{"action=set&lr_g=0.01&bogus=1", "bogus"},
		{"action=set&lr_g=0.01&d_steps=-1", "d_steps"},
	}
	for _, tt := range tests {
		t.Run(tt.form, func(t *testing.T) {
			status, body := ts.control(t, tt.form)
			assert.Equal(t, http.StatusBadRequest, status)
			assert.Equal(t, tt.field, body["field"])
			assert.Contains(t, body["error"], tt.field)
		})
	}
	after := ts.state(t)
	assert.Equal(t, before.Config, after.Config, "refused values changed the settings")
	assert.Equal(t, 0, after.Step)

	// Not a form at all, and the wrong method.
	resp, err := http.Post(ts.URL+"/control", "application/x-www-form-urlencoded", strings.NewReader("%zz"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	resp, err = http.Get(ts.URL + "/control")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

func TestSettings(t *testing.T) {
	ts := startServer(t, small(Config{Paused: true}))
	ts.mustControl(t, "action=step")
	ts.mustControl(t, "action=step")

	// Learning rates and D steps apply to the run as it is.
	ts.mustControl(t, "action=set&lr_g=0.002&lr_d=0.0005&d_steps=3")
	s := ts.state(t)
	assert.Equal(t, 2, s.Step, "changing a rate must not restart the run")
	assert.Equal(t, 0.002, s.Config.LRG)
	assert.Equal(t, 0.0005, s.Config.LRD)
	assert.Equal(t, 3, s.Config.DSteps)

	// The data set, the loss and the seed restart it.
	ts.mustControl(t, "action=set&data=mixture-1d")
	s = ts.state(t)
	assert.Equal(t, 0, s.Step)
	assert.Equal(t, 1, s.Dim)
	assert.Equal(t, 1, s.Heat.NY)
	assert.Equal(t, 0.002, s.Config.LRG, "a restart keeps the other settings")

	ts.mustControl(t, "action=set&loss=wgan-gp&seed=9")
	s = ts.state(t)
	assert.Equal(t, "wgan-gp", s.Config.Loss)
	assert.Equal(t, uint64(9), s.Config.Seed)
	assert.False(t, s.Heat.Probability, "a critic's map is raw scores")
	ts.mustControl(t, "action=step")
	assert.Equal(t, 1, ts.state(t).Step)
}

// The same seed and the same commands give the same numbers, through the
// HTTP interface.
func TestResetIsDeterministic(t *testing.T) {
	ts := startServer(t, small(Config{Paused: true, Seed: 11}))
	run := func() *Snapshot {
		ts.mustControl(t, "action=reset")
		for range 4 {
			ts.mustControl(t, "action=step")
		}
		ts.mustControl(t, "action=set&lr_g=0.003")
		ts.mustControl(t, "action=step")
		return stripWallTime(ts.state(t))
	}
	first := run()
	ts.mustControl(t, "action=set&lr_g=0.001")
	second := run()
	assert.Equal(t, 5, first.Step)
	assert.Equal(t, first, second)
}

// A rebuild that cannot be built answers with its cause, 400 with the
// field for a setting out of range, and leaves the run as it was. (The page
// cannot send such a setting; here the engine's own is spoilt.)
func TestFailedRebuildSaysWhy(t *testing.T) {
	ts := startServer(t, small(Config{Paused: true}))
	ts.mustControl(t, "action=step")
	ts.onEngine(t, func(e *engine) { e.cfg.Hidden = MaxHidden + 1 })
	status, body := ts.control(t, "action=reset")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "hidden", body["field"])
	assert.Equal(t, fmt.Sprintf(`hidden = "%d": must be an integer in [1, %d]`, MaxHidden+1, MaxHidden), body["error"])
	assert.Equal(t, 1, ts.state(t).Step, "the run goes on from where it was")
	ts.mustControl(t, "action=step")
	assert.Equal(t, 2, ts.state(t).Step)

	// Any other cause is the server's: 500, with the cause.
	r := rebuildFailed(errors.New("out of memory"))
	assert.Equal(t, http.StatusInternalServerError, r.status)
	assert.EqualError(t, r.err, "live: rebuilding the run: out of memory")
}

func TestDivergencePausesTheRun(t *testing.T) {
	ts := startServer(t, small(Config{Paused: true}))
	ts.onEngine(t, func(e *engine) { e.dParams[0].Value.Data()[3] = math.Inf(1) })
	status, body := ts.control(t, "action=step")
	assert.Equal(t, http.StatusConflict, status)
	assert.Contains(t, body["error"], "diverged at step 1")

	s := ts.state(t) // still valid JSON, with the reason
	assert.False(t, s.Running)
	assert.Contains(t, s.Error, "press reset")
	status, body = ts.control(t, "action=play")
	assert.Equal(t, http.StatusConflict, status, "play after divergence: %v", body)

	ts.mustControl(t, "action=reset")
	s = ts.state(t)
	assert.Empty(t, s.Error)
	assert.Equal(t, 0, s.Step)
	ts.mustControl(t, "action=step")
}

func TestMaxSteps(t *testing.T) {
	ts := startServer(t, small(Config{MaxSteps: 30}))
	waitFor(t, 10*time.Second, "the run to stop at 30 steps", func() bool { return !ts.state(t).Running })
	assert.Equal(t, 30, ts.state(t).Step)
	status, _ := ts.control(t, "action=play")
	assert.Equal(t, http.StatusConflict, status)
}

// readEvent returns the data of the next Server-Sent Event.
func readEvent(r *bufio.Reader) ([]byte, error) {
	var data []byte
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			return nil, err
		}
		line = bytes.TrimRight(line, "\n")
		switch {
		case len(line) == 0 && data != nil:
			return data, nil
		case bytes.HasPrefix(line, []byte("data: ")):
			data = append(data, line[len("data: "):]...)
		}
	}
}

// Many tabs at once: event streams, state reads and controls, while the
// run trains.
func TestManyClients(t *testing.T) {
	ts := startServer(t, small(Config{}))
	const streams, readers, controllers = 30, 30, 10
	var wg sync.WaitGroup
	errs := make(chan error, streams+readers+controllers)
	for range streams {
		wg.Go(func() {
			resp, err := http.Get(ts.URL + "/events")
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
				errs <- fmt.Errorf("events: content type %q", ct)
				return
			}
			r := bufio.NewReader(resp.Body)
			last := uint64(0)
			for range 3 {
				data, err := readEvent(r)
				if err != nil {
					errs <- err
					return
				}
				var s Snapshot
				if err := json.Unmarshal(data, &s); err != nil {
					errs <- err
					return
				}
				if s.Seq <= last {
					errs <- fmt.Errorf("events: snapshot %d after %d", s.Seq, last)
					return
				}
				last = s.Seq
			}
		})
	}
	for range readers {
		wg.Go(func() {
			for range 5 {
				resp, err := http.Get(ts.URL + "/state")
				if err != nil {
					errs <- err
					return
				}
				var s Snapshot
				err = json.NewDecoder(resp.Body).Decode(&s)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					errs <- fmt.Errorf("state: %d %v", resp.StatusCode, err)
					return
				}
			}
		})
	}
	for i := range controllers {
		wg.Go(func() {
			form := url.Values{"action": {"set"}, "lr_d": {fmt.Sprint(0.001 * float64(i+1))}}
			resp, err := http.PostForm(ts.URL+"/control", form)
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				errs <- fmt.Errorf("control: status %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.True(t, ts.state(t).Running)
}

// A client that opens the event stream and never reads must not hold up
// training or the other clients.
func TestStalledClient(t *testing.T) {
	ts := startServer(t, small(Config{}))
	u, _ := url.Parse(ts.URL)
	conn, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	defer conn.Close()
	fmt.Fprintf(conn, "GET /events HTTP/1.1\r\nHost: %s\r\n\r\n", u.Host)
	// Never read from conn.
	start := ts.state(t).Step
	waitFor(t, 10*time.Second, "training to go on past a stalled client", func() bool { return ts.state(t).Step > start+50 })
}

func TestTooManyStreams(t *testing.T) {
	ts := startServer(t, small(Config{Paused: true}))
	var bodies []io.Closer
	defer func() {
		for _, b := range bodies {
			b.Close()
		}
	}()
	for range maxClients {
		resp, err := http.Get(ts.URL + "/events")
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		bodies = append(bodies, resp.Body)
	}
	resp, err := http.Get(ts.URL + "/events")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
}

func TestHostAndOrigin(t *testing.T) {
	ts := startServer(t, small(Config{Paused: true}))
	req, _ := http.NewRequest("GET", ts.URL+"/state", nil)
	req.Host = "evil.example:80" // DNS rebinding: a foreign name pointed at 127.0.0.1
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	req, _ = http.NewRequest("POST", ts.URL+"/control", strings.NewReader("action=step"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, 0, ts.state(t).Step, "a cross-site request took a step")

	for _, host := range []string{"localhost:1", "127.0.0.1:2", "[::1]:3", "LOCALHOST"} {
		assert.True(t, isLoopbackHost(host), host)
	}
	for _, host := range []string{"", "example.com", "10.0.0.1:8080", "[2001:db8::1]:80", "localhost.evil.example"} {
		assert.False(t, isLoopbackHost(host), host)
	}
}

// The page and its files are served from the embedded bundle, and they
// reference nothing outside this server.
func TestPage(t *testing.T) {
	ts := startServer(t, small(Config{Paused: true}))
	for _, f := range []struct{ path, ctype, contains string }{
		{"/", "text/html", `id="step"`},
		{"/live.js", "javascript", "EventSource"},
		{"/live.css", "text/css", "#canvas"},
	} {
		resp, err := http.Get(ts.URL + f.path)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, f.path)
		assert.Contains(t, resp.Header.Get("Content-Type"), f.ctype, f.path)
		assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'self'")
		assert.Contains(t, string(body), f.contains, f.path)
	}
	entries, err := webFiles.ReadDir("web")
	require.NoError(t, err)
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	for _, e := range entries {
		b, err := webFiles.ReadFile("web/" + e.Name())
		require.NoError(t, err)
		assert.Empty(t, external.FindAllString(string(b), -1), "%s refers to another host", e.Name())
	}
	resp, err := http.Get(ts.URL + "/nothing-here")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Serve: Ctrl-C (a cancelled context) ends open event streams, stops the
// training and the server, and leaves no file behind.
func TestServeShutdown(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	wd, err := os.Getwd()
	require.NoError(t, err)
	before, err := os.ReadDir(wd)
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, "localhost:0", small(Config{}), &out) }()
	var base string
	waitFor(t, 10*time.Second, "Serve to print its address", func() bool {
		m := regexp.MustCompile(`http://\S+/`).FindString(out.String())
		base = m
		return m != ""
	})
	assert.Contains(t, base, "http://localhost:")

	resp, err := http.Get(base + "events")
	require.NoError(t, err)
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	_, err = readEvent(r)
	require.NoError(t, err)

	start := time.Now()
	cancel()
	select {
	case err := <-served:
		require.NoError(t, err)
	case <-time.After(shutdownPeriod + 5*time.Second):
		t.Fatal("Serve did not return after its context was cancelled")
	}
	assert.Less(t, time.Since(start), 2*time.Second, "shutdown waited for the event stream")
	_, err = io.ReadAll(r) // the stream has ended
	require.NoError(t, err)
	_, err = http.Get(base + "state")
	assert.Error(t, err, "the server still answers")

	tmpEntries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, tmpEntries, "Serve wrote temporary files")
	after, err := os.ReadDir(wd)
	require.NoError(t, err)
	assert.Equal(t, len(before), len(after), "Serve wrote into the working folder")
}

func TestServeAddress(t *testing.T) {
	ctx := context.Background()
	for _, addr := range []string{"localhost", ":8080", "0.0.0.0:8080", "example.com:80", "[::]:1"} {
		err := Serve(ctx, addr, Config{}, io.Discard)
		assert.Error(t, err, addr)
		assert.Contains(t, err.Error(), addr)
	}
	err := Serve(ctx, "localhost:0", Config{LRG: 3}, io.Discard)
	fe, ok := errors.AsType[*FieldError](err)
	require.True(t, ok, "want a *FieldError, got %v", err)
	assert.Equal(t, "lr_g", fe.Field)

	// With AllowRemote, any address is served (not tried here: the test
	// does not open a port to the network).
	ctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	var out syncBuffer
	require.NoError(t, Serve(ctx, "127.0.0.1:0", small(Config{AllowRemote: true, Paused: true}), &out))
	assert.NotContains(t, out.String(), "warning", "a loopback address needs no warning")
}

func TestRunTwice(t *testing.T) {
	s, err := NewServer(small(Config{Paused: true}))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	waitFor(t, 5*time.Second, "the first snapshot", func() bool { f, _ := s.hub.latest(); return f != nil })
	assert.Error(t, s.Run(ctx))
	cancel()
	require.NoError(t, <-done)

	// After Run has stopped, controls answer 503 and streams end.
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	resp, err := http.PostForm(hs.URL+"/control", url.Values{"action": {"step"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	resp, err = http.Get(hs.URL + "/events")
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Contains(t, string(b), "data: ", "the last snapshot is sent before the stream ends")
}
