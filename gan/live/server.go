package live

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"
)

//go:embed web
var webFiles embed.FS

// Timing of the training goroutine's publications and of the handlers.
const (
	minPublishGap  = 50 * time.Millisecond  // at most 20 snapshots a second
	maxPublishGap  = 100 * time.Millisecond // and one at least every 100 ms while training
	publishSteps   = 25                     // between the two: after this many steps
	replyTimeout   = 30 * time.Second       // a control request waits this long for the training goroutine
	writeTimeout   = 10 * time.Second       // a stalled event stream is dropped after this
	keepAlive      = 15 * time.Second       // comment lines keep an idle event stream open
	maxClients     = 64                     // event streams at once
	shutdownPeriod = 5 * time.Second        // Serve waits this long for requests to finish
)

// Server is the live view of one training run: the training goroutine
// (Run) and the HTTP handlers (Handler) that read what it publishes and
// send it commands. Build one with NewServer; Serve does everything.
type Server struct {
	cfg     Config
	cmds    chan command
	hub     *hub
	started atomic.Bool
	clients atomic.Int32
	handler http.Handler
}

// command is a request from a handler to the training goroutine.
type command struct {
	action string      // play, pause, step, reset, set
	fields [][2]string // for set: (name, value) pairs, in the order given
	// do, if set, runs on the training goroutine instead of an action: the
	// package's tests reach the engine this way. No handler sets it.
	do    func(*engine)
	reply chan reply
}

// reply is the training goroutine's answer to a command.
type reply struct {
	Step    int   `json:"step"`
	Running bool  `json:"running"`
	err     error // a *FieldError, or a state the command cannot apply to
	status  int   // the HTTP status for err
}

// NewServer checks cfg (zero fields take DefaultConfig's values) and
// returns a server that is not yet training: call Run on one goroutine and
// serve Handler. It returns a *FieldError naming a bad setting.
func NewServer(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("live: %w", err)
	}
	s := &Server{cfg: cfg.withDefaults(), cmds: make(chan command), hub: newHub()}
	s.handler = s.routes()
	return s, nil
}

// Handler returns the HTTP handler of the page and its endpoints:
//
//	GET  /         the page (index.html, live.js, live.css, embedded)
//	GET  /state    the latest Snapshot as JSON (503 before the first)
//	GET  /events   Server-Sent Events: each event's data is the latest
//	               Snapshot as JSON; a slow client skips snapshots
//	POST /control  a form: action=play|pause|step|reset, or action=set
//	               with fields data, loss, lr_g, lr_d, d_steps, seed;
//	               answers {"step":…,"running":…}, or 400 with
//	               {"error":…,"field":…,"value":…} for a bad value
//
// Unless Config.AllowRemote is set, requests whose Host is not localhost
// or a loopback address are refused (403), and so are cross-origin
// requests that change state.
func (s *Server) Handler() http.Handler { return s.handler }

// Run is the training goroutine: it builds the run from the Config, then
// trains, publishes snapshots and executes commands until ctx is done,
// and returns nil then (an error only if the run cannot be built). It
// stops at a step boundary. Every autograd computation of the server
// happens here. Run may be called once.
func (s *Server) Run(ctx context.Context) error {
	if !s.started.CompareAndSwap(false, true) {
		return errors.New("live: Server.Run called twice")
	}
	defer s.hub.close()
	// Training allocates many short-lived tensors; as in the chapters,
	// collect garbage at 5× the live heap instead of 2× (no number changes).
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	e, err := newEngine(s.cfg)
	if err != nil {
		return fmt.Errorf("live: %w", err)
	}
	t := trainer{engine: e, hub: s.hub, running: !s.cfg.Paused}
	t.publish()
	for {
		if !t.running {
			select {
			case <-ctx.Done():
				return nil
			case c := <-s.cmds:
				t.execute(c, s.cmds)
			}
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case c := <-s.cmds:
			t.execute(c, s.cmds)
		default:
			t.step()
		}
	}
}

// trainer is Run's state: the engine, whether it is training, and when it
// last published.
type trainer struct {
	*engine
	hub      *hub
	running  bool
	seq      uint64
	lastTime time.Time // of the last publication
	lastStep int       // the step of the last publication
	speed    float64   // steps per second between the last two publications
}

// step trains one step while running and publishes when it is time.
func (t *trainer) step() {
	if _, _, err := t.Step(); err != nil {
		t.running = false // diverged: the snapshot carries the message
		t.publish()
		return
	}
	if t.cfg.MaxSteps > 0 && t.engine.step >= t.cfg.MaxSteps {
		t.running = false
		t.publish()
		return
	}
	gap := time.Since(t.lastTime)
	if gap >= maxPublishGap || (gap >= minPublishGap && t.engine.step-t.lastStep >= publishSteps) {
		t.publish()
	}
}

// publish computes a snapshot and hands it to the hub.
func (t *trainer) publish() {
	now := time.Now()
	if steps := t.engine.step - t.lastStep; steps > 0 && !t.lastTime.IsZero() {
		t.speed = float64(steps) / now.Sub(t.lastTime).Seconds()
	}
	if !t.running {
		t.speed = 0
	}
	s := t.snapshot()
	t.seq++
	s.Seq, s.Running, s.StepsPerSecond = t.seq, t.running, t.speed
	t.lastTime, t.lastStep = now, t.engine.step
	t.hub.publish(s)
}

// execute applies one command, publishes the result and answers.
// execute applies c and every other command already waiting on more, in
// the order they arrive, then publishes one snapshot and answers them all:
// a burst of commands (several tabs, a slider dragged) costs one snapshot,
// not one each.
func (t *trainer) execute(c command, more <-chan command) {
	batch := []command{c}
	for waiting := true; waiting; {
		select {
		case c := <-more:
			batch = append(batch, c)
		default:
			waiting = false
		}
	}
	replies := make([]reply, len(batch))
	for i, c := range batch {
		replies[i] = t.apply(c)
	}
	t.publish()
	for i, c := range batch {
		r := replies[i]
		r.Step, r.Running = t.engine.step, t.running
		c.reply <- r
	}
}

func (t *trainer) apply(c command) reply {
	if c.do != nil {
		c.do(t.engine)
		return reply{}
	}
	switch c.action {
	case "play":
		if t.diverged != "" {
			return reply{err: errors.New(t.diverged), status: http.StatusConflict}
		}
		if t.cfg.MaxSteps > 0 && t.engine.step >= t.cfg.MaxSteps {
			return reply{err: fmt.Errorf("the run has reached its %d steps; press reset", t.cfg.MaxSteps), status: http.StatusConflict}
		}
		t.running = true
	case "pause":
		t.running = false
	case "step":
		t.running = false
		if _, _, err := t.Step(); err != nil {
			return reply{err: err, status: http.StatusConflict}
		}
	case "reset":
		if err := t.rebuild(t.cfg); err != nil {
			return rebuildFailed(err)
		}
	case "set":
		// The handler checked the values against an earlier snapshot's
		// settings; they are checked again against the current ones.
		cfg, rebuild := t.cfg, false
		for _, f := range c.fields {
			if err := cfg.setField(f[0], f[1]); err != nil {
				return reply{err: err, status: http.StatusBadRequest}
			}
			rebuild = rebuild || rebuilds(f[0])
		}
		if rebuild {
			if err := t.rebuild(cfg); err != nil {
				return rebuildFailed(err)
			}
		} else {
			t.setLive(cfg)
		}
	default:
		return reply{err: fieldErr("action", c.action, "unknown action"), status: http.StatusBadRequest}
	}
	return reply{}
}

// rebuild starts the run again from cfg's seed. If the run cannot be
// built it returns newEngine's error and leaves the current run as it was.
func (t *trainer) rebuild(cfg Config) error {
	e, err := newEngine(cfg)
	if err != nil {
		return err
	}
	t.engine, t.lastStep = e, 0
	return nil
}

// rebuildFailed is the answer to a command whose rebuild failed: 400 with
// the field for a setting that is out of range (a *FieldError), 500 with
// the cause for anything else.
func rebuildFailed(err error) reply {
	status := http.StatusInternalServerError
	if _, ok := errors.AsType[*FieldError](err); ok {
		status = http.StatusBadRequest
	}
	return reply{err: fmt.Errorf("live: rebuilding the run: %w", err), status: status}
}

// ---- Handlers --------------------------------------------------------------------

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(webFiles, "web")
	mux.Handle("GET /", http.FileServerFS(static))
	mux.HandleFunc("GET /state", s.handleState)
	mux.HandleFunc("GET /events", s.handleEvents)
	mux.HandleFunc("POST /control", s.handleControl)
	mux.HandleFunc("GET /control", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "POST")
		writeError(w, http.StatusMethodNotAllowed, errors.New("live: /control takes a POST of a form (action=play|pause|step|reset|set)"))
	})
	var h http.Handler = http.NewCrossOriginProtection().Handler(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.cfg.AllowRemote && !isLoopbackHost(r.Host) {
			writeError(w, http.StatusForbidden, fmt.Errorf("live: the page only answers requests for localhost, not %q "+
				"(Config.AllowRemote allows others)", r.Host))
			return
		}
		// Nothing may be fetched from anywhere but this server.
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

// isLoopbackHost reports whether a Host header names localhost or a
// loopback address, with or without a port.
func isLoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
	Value string `json:"value,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}

func writeError(w http.ResponseWriter, status int, err error) {
	body := errorBody{Error: err.Error()}
	if fe, ok := errors.AsType[*FieldError](err); ok {
		body = errorBody{Error: fe.Error(), Field: fe.Field, Value: fe.Value}
	}
	b, _ := json.Marshal(body)
	writeJSON(w, status, b)
}

var errStopped = errors.New("live: the run has stopped (the server is shutting down)")

func (s *Server) handleState(w http.ResponseWriter, r *http.Request) {
	f, _ := s.hub.latest()
	if f == nil {
		writeError(w, http.StatusServiceUnavailable, errors.New("live: the run is starting; try again"))
		return
	}
	writeJSON(w, http.StatusOK, f.json())
}

// handleEvents streams snapshots as Server-Sent Events: after each
// publication, the latest snapshot, as one "data:" line of JSON. A client
// that reads slowly is sent whatever is latest when it is ready again.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	if s.clients.Add(1) > maxClients {
		s.clients.Add(-1)
		writeError(w, http.StatusServiceUnavailable, fmt.Errorf("live: too many event streams (%d); close some tabs", maxClients))
		return
	}
	defer s.clients.Add(-1)
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	ping := time.NewTicker(keepAlive)
	defer ping.Stop()

	var sent *frame
	send := func(b []byte) bool {
		rc.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send([]byte("retry: 1000\n\n")) { // reconnect after 1 s if the stream breaks
		return
	}
	for {
		f, wake := s.hub.latest()
		if f != nil && f != sent {
			msg := make([]byte, 0, len(f.json())+8)
			msg = append(append(append(msg, "data: "...), f.json()...), "\n\n"...)
			if !send(msg) {
				return
			}
			sent = f
		}
		select {
		case <-wake:
		case <-ping.C:
			if !send([]byte(": keep-alive\n\n")) {
				return
			}
		case <-r.Context().Done():
			return
		case <-s.hub.done:
			return
		}
	}
}

// handleControl checks the form like flags, then hands the command to the
// training goroutine and waits for its answer.
func (s *Server) handleControl(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("live: cannot read the form: %v", err))
		return
	}
	c, err := s.parseCommand(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	c.reply = make(chan reply, 1)
	timeout := time.NewTimer(replyTimeout)
	defer timeout.Stop()
	select {
	case s.cmds <- c:
	case <-s.hub.done:
		writeError(w, http.StatusServiceUnavailable, errStopped)
		return
	case <-r.Context().Done():
		return
	case <-timeout.C:
		writeError(w, http.StatusServiceUnavailable, errors.New("live: the training goroutine is not answering"))
		return
	}
	select {
	case rep := <-c.reply:
		if rep.err != nil {
			writeError(w, rep.status, rep.err)
			return
		}
		b, _ := json.Marshal(rep)
		writeJSON(w, http.StatusOK, b)
	case <-s.hub.done:
		writeError(w, http.StatusServiceUnavailable, errStopped)
	case <-timeout.C:
		writeError(w, http.StatusServiceUnavailable, errors.New("live: the training goroutine is not answering"))
	}
}

// parseCommand reads action and, for set, the settings; each setting is
// parsed and range-checked against the latest snapshot's settings, so
// that a bad value is refused here with a message naming it.
func (s *Server) parseCommand(r *http.Request) (command, error) {
	form := r.PostForm
	actions := form["action"]
	if len(actions) != 1 {
		return command{}, fieldErr("action", strings.Join(actions, ","), "give exactly one action: play, pause, step, reset or set")
	}
	c := command{action: actions[0]}
	switch c.action {
	case "play", "pause", "step", "reset":
		if len(form) > 1 {
			return command{}, fieldErr("action", c.action, "takes no other fields")
		}
		return c, nil
	case "set":
	default:
		return command{}, fieldErr("action", c.action, "unknown action; want play, pause, step, reset or set")
	}
	cfg := s.cfg
	if f, _ := s.hub.latest(); f != nil {
		cfg = f.snap.Config
	}
	for _, name := range settings { // a fixed order, so that equal forms make equal commands
		values, ok := form[name]
		if !ok {
			continue
		}
		if len(values) != 1 {
			return command{}, fieldErr(name, strings.Join(values, ","), "given %d times", len(values))
		}
		if err := cfg.setField(name, values[0]); err != nil {
			return command{}, err
		}
		c.fields = append(c.fields, [2]string{name, values[0]})
	}
	for name := range form {
		if name != "action" && !isSetting(name) {
			return command{}, fieldErr(name, form.Get(name), "unknown setting; the page can set %s", strings.Join(settings, ", "))
		}
	}
	if len(c.fields) == 0 {
		return command{}, fieldErr("action", "set", "no setting given; the page can set %s", strings.Join(settings, ", "))
	}
	return c, nil
}

func isSetting(name string) bool {
	for _, s := range settings {
		if s == name {
			return true
		}
	}
	return false
}

// ---- Serve -----------------------------------------------------------------------

// Serve trains the run cfg describes and serves its live view on addr
// ("localhost:8080"; port 0 picks a free one) until ctx is done, then
// shuts down: the HTTP server stops accepting, open event streams end,
// requests get shutdownPeriod to finish, and the training goroutine stops
// at a step boundary. It writes the page's address to out, and returns nil
// after a clean shutdown.
//
// An address whose host is empty (":8080") or not a loopback address is
// refused unless cfg.AllowRemote is set, in which case a warning is
// written to out. Serve returns an error for a bad address or setting (a
// *FieldError, wrapped, names it) or if it cannot listen. It never writes
// a file.
func Serve(ctx context.Context, addr string, cfg Config, out io.Writer) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("live: address %q: %v (want host:port, e.g. localhost:8080)", addr, err)
	}
	remote := !isLoopbackHost(host)
	if remote && !cfg.AllowRemote {
		return fmt.Errorf("live: address %q would accept connections from other machines; "+
			"use localhost:PORT, or set Config.AllowRemote to serve anyone who can reach this one", addr)
	}
	s, err := NewServer(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("live: %v", err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	c := s.cfg
	fmt.Fprintf(out, "live view of %s on %s: http://%s/ (Ctrl-C stops)\n", c.Loss, c.Data, net.JoinHostPort(host, port))
	if remote {
		fmt.Fprintf(out, "warning: listening on %s: anyone who can reach this machine can see and drive the run\n", ln.Addr())
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second}
	trained := make(chan error, 1)
	go func() { trained <- s.Run(ctx) }()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-served: // the listener failed
	case runErr = <-trained: // the run could not be built
		trained <- runErr
	}
	cancel()
	s.hub.close() // event streams return now, so Shutdown does not wait for them
	shutdownCtx, stop := context.WithTimeout(context.Background(), shutdownPeriod)
	defer stop()
	shutdownErr := srv.Shutdown(shutdownCtx)
	if err := <-trained; runErr == nil {
		runErr = err
	}
	if errors.Is(runErr, http.ErrServerClosed) {
		runErr = nil
	}
	if runErr == nil && shutdownErr != nil {
		runErr = fmt.Errorf("live: shutdown: %v", shutdownErr)
	}
	return runErr
}
