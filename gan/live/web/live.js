// ganbook live: draws the snapshots the Go server publishes and sends the
// controls back. No framework, nothing fetched but this server's /events,
// /state and /control.
//
// A snapshot (see snapshot.go) holds flat arrays of points, Dim numbers
// per point: real, fake (generated), arrows (the push of G's loss on the
// first fakes), manifold.z / manifold.x (a grid of noise and G of it),
// heat (D on a grid of the window) and series (losses and metrics).
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);

  // ---- Colours: the same as the chapters' PNG pictures (gan/plot). ----
  const REAL = '#00441b';   // dark green
  const FAKE = '#f08000';   // orange
  const MANIFOLD = 'rgba(40, 70, 160, 0.55)';
  const ARROW = 'rgba(20, 20, 20, 0.8)';
  const NAN_RGB = [0x99, 0x99, 0x99];
  const LINE_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9'];
  // The diverging ramp of gan/plot.Diverging: purple (0, "looks generated")
  // through near-white (½) to green (1, "looks real").
  const RAMP = [[0x99, 0x70, 0xab], [0xc2, 0xa5, 0xcf], [0xf7, 0xf7, 0xf7], [0xa6, 0xdb, 0xa0], [0x5a, 0xae, 0x61]];

  function rampAt(t) {
    if (t === null || !isFinite(t)) return NAN_RGB;
    const s = Math.min(Math.max(t, 0), 1) * (RAMP.length - 1);
    const i = Math.min(Math.floor(s), RAMP.length - 2);
    const f = s - i;
    return [0, 1, 2].map((c) => Math.round(RAMP[i][c] + f * (RAMP[i + 1][c] - RAMP[i][c])));
  }

  // ---- State ----
  let snap = null;          // the latest snapshot
  let drawPending = false;  // a redraw is scheduled for the next frame
  const show = { heat: true, real: true, fake: true, manifold: true, arrows: true };

  // ---- Canvas helpers ----

  // fit sizes a canvas's backing store to its displayed size times the
  // device pixel ratio and returns its context scaled to CSS pixels.
  function fit(canvas) {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
    const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return { ctx, w: canvas.clientWidth, h: canvas.clientHeight };
  }

  // heatImage paints the heat values into an nx × ny image, one pixel per
  // cell; the caller stretches it (smoothly) over the plot.
  function heatImage(heat) {
    const img = document.createElement('canvas');
    img.width = heat.nx; img.height = heat.ny;
    const ictx = img.getContext('2d');
    const data = ictx.createImageData(heat.nx, heat.ny);
    const span = heat.max - heat.min;
    heat.values.forEach((v, k) => {
      const rgb = rampAt(v === null ? null : (v - heat.min) / span);
      data.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * k);
    });
    ictx.putImageData(data, 0, 0);
    return img;
  }

  function arrow(ctx, x0, y0, x1, y1) {
    const dx = x1 - x0, dy = y1 - y0, len = Math.hypot(dx, dy);
    if (len < 1.5) return;
    const ux = dx / len, uy = dy / len, head = Math.min(5, len / 2);
    ctx.moveTo(x0, y0); ctx.lineTo(x1, y1);
    ctx.moveTo(x1, y1); ctx.lineTo(x1 - head * (ux - 0.5 * uy), y1 - head * (uy + 0.5 * ux));
    ctx.moveTo(x1, y1); ctx.lineTo(x1 - head * (ux + 0.5 * uy), y1 - head * (uy - 0.5 * ux));
  }

  // arrowScale turns gradient lengths into pixels: the longest arrow is
  // `longest` pixels, the others in proportion. It also prints the
  // longest gradient's length in the view's corner, since the drawing
  // alone cannot show it.
  function arrowScale(ctx, w, h, arrows, dim, longest) {
    let m = 0;
    for (let i = 0; i < arrows.length; i += dim) {
      let n = 0;
      for (let j = 0; j < dim; j++) n += (arrows[i + j] || 0) ** 2;
      m = Math.max(m, Math.sqrt(n));
    }
    const text = `longest arrow: |∇| = ${m.toPrecision(3)}`;
    ctx.font = '11px system-ui, sans-serif'; // label's font, for the width
    label(ctx, text, w - ctx.measureText(text).width - 12, h - 6);
    return m > 0 ? longest / m : 0;
  }

  function dots(ctx, pts, toPx, colour, r) {
    ctx.fillStyle = colour;
    ctx.beginPath();
    for (let i = 0; i + 1 < pts.length; i += 2) {
      if (pts[i] === null || pts[i + 1] === null) continue;
      const [x, y] = toPx(pts[i], pts[i + 1]);
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
    ctx.fill();
  }

  // ---- The 2-D view: heatmap, manifold, samples, arrows, modes ----
  function draw2D(ctx, w, h, s) {
    const [x0, x1, y0, y1] = s.window;
    const toPx = (x, y) => [(x - x0) / (x1 - x0) * w, (y1 - y) / (y1 - y0) * h];

    if (show.heat) {
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(heatImage(s.heat), 0, 0, w, h);
    }
    if (show.manifold) {
      // Lines through G(z) along the rows and the columns of the noise grid.
      const n = s.manifold.n, X = s.manifold.x;
      const at = (i, j) => toPx(X[2 * (j * n + i)], X[2 * (j * n + i) + 1]);
      ctx.strokeStyle = MANIFOLD; ctx.lineWidth = 1;
      ctx.beginPath();
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          const [px, py] = at(b, a); b === 0 ? ctx.moveTo(px, py) : ctx.lineTo(px, py);
        }
        for (let b = 0; b < n; b++) {
          const [px, py] = at(a, b); b === 0 ? ctx.moveTo(px, py) : ctx.lineTo(px, py);
        }
      }
      ctx.stroke();
    }
    if (show.real) dots(ctx, s.real, toPx, REAL, 2.2);
    if (show.arrows) {
      const k = arrowScale(ctx, w, h, s.arrows, 2, 0.07 * w);
      ctx.strokeStyle = ARROW; ctx.lineWidth = 1;
      ctx.beginPath();
      for (let i = 0; i + 1 < s.arrows.length; i += 2) {
        const [px, py] = toPx(s.fake[i], s.fake[i + 1]);
        arrow(ctx, px, py, px + k * s.arrows[i], py - k * s.arrows[i + 1]);
      }
      ctx.stroke();
    }
    if (show.fake) dots(ctx, s.fake, toPx, FAKE, 2.2);
    // Black rings on the modes.
    ctx.strokeStyle = '#000'; ctx.lineWidth = 1.2;
    ctx.beginPath();
    for (let i = 0; i + 1 < s.centers.length; i += 2) {
      const [px, py] = toPx(s.centers[i], s.centers[i + 1]);
      ctx.moveTo(px + 4.5, py); ctx.arc(px, py, 4.5, 0, 2 * Math.PI);
    }
    ctx.stroke();
    label(ctx, `x ∈ [${x0}, ${x1}], y ∈ [${y0}, ${y1}]`, 6, h - 6);
  }

  // ---- The 1-D view: densities over D's strip, G's map from the noise ----
  //
  // Top: the window's x axis; the background is D along x; histograms of
  // the real (green) and generated (orange) samples; the curve is D(x)
  // (or the critic, scaled to the panel). Generated samples sit just above
  // the axis with their arrows; real ones are ticks below it.
  // Bottom: the manifold view, a line from each noise value z (bottom row,
  // same x scale) to G(z) (on the axis).
  function draw1D(ctx, w, h, s) {
    const [x0, x1] = s.window;
    const X = (x) => (x - x0) / (x1 - x0) * w;
    const axis = 0.70 * h, top = 0.04 * h, zRow = 0.95 * h;

    if (show.heat) {
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(heatImage(s.heat), 0, 0, w, axis);
    }
    // Histograms: 60 bins over the window, as densities.
    const bins = 60, width = (x1 - x0) / bins;
    const hist = (xs) => {
      const c = new Array(bins).fill(0);
      xs.forEach((x) => { const b = Math.floor((x - x0) / width); if (b >= 0 && b < bins) c[b]++; });
      return c.map((v) => v / (xs.length * width));
    };
    const hr = hist(s.real), hf = hist(s.fake);
    const peak = Math.max(0.05, ...hr, ...hf);
    const Y = (d) => axis - d / peak * (axis - top) * 0.9;
    const histPath = (hs) => {
      ctx.beginPath(); ctx.moveTo(0, axis);
      hs.forEach((d, b) => { ctx.lineTo(b * w / bins, Y(d)); ctx.lineTo((b + 1) * w / bins, Y(d)); });
      ctx.lineTo(w, axis);
    };
    if (show.real) {
      histPath(hr); ctx.fillStyle = 'rgba(0, 68, 27, 0.30)'; ctx.fill();
      ctx.strokeStyle = REAL; ctx.lineWidth = 1.2; ctx.stroke();
    }
    if (show.fake) {
      histPath(hf); ctx.fillStyle = 'rgba(240, 128, 0, 0.25)'; ctx.fill();
      ctx.strokeStyle = FAKE; ctx.lineWidth = 1.5; ctx.stroke();
    }
    // D(x), or the critic scaled to [min, max], as a curve over the panel.
    if (show.heat) {
      const hv = s.heat, span = hv.max - hv.min;
      ctx.strokeStyle = '#222'; ctx.lineWidth = 1.5; ctx.setLineDash([5, 3]);
      ctx.beginPath();
      hv.values.forEach((v, i) => {
        const px = (i + 0.5) / hv.nx * w, py = axis - (v - hv.min) / span * (axis - top);
        i === 0 ? ctx.moveTo(px, py) : ctx.lineTo(px, py);
      });
      ctx.stroke(); ctx.setLineDash([]);
      label(ctx, hv.probability ? 'dashed: D(x), 0 at the axis, 1 at the top' : 'dashed: critic f(x), scaled', 6, top + 10);
    }
    // The axis and the samples on it.
    ctx.strokeStyle = '#444'; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(0, axis); ctx.lineTo(w, axis); ctx.stroke();
    if (show.real) {
      ctx.strokeStyle = REAL; ctx.beginPath();
      s.real.forEach((x) => { ctx.moveTo(X(x), axis + 2); ctx.lineTo(X(x), axis + 9); });
      ctx.stroke();
    }
    const fakeY = (i) => axis - 5 - (i % 7) * 3; // a little spread, so dots do not hide each other
    if (show.arrows) {
      const k = arrowScale(ctx, w, h - 16, s.arrows, 1, 0.07 * w);
      ctx.strokeStyle = ARROW; ctx.beginPath();
      s.arrows.forEach((a, i) => arrow(ctx, X(s.fake[i]), fakeY(i), X(s.fake[i]) + k * a, fakeY(i)));
      ctx.stroke();
    }
    if (show.fake) {
      ctx.fillStyle = FAKE; ctx.beginPath();
      s.fake.forEach((x, i) => { ctx.moveTo(X(x) + 2, fakeY(i)); ctx.arc(X(x), fakeY(i), 2, 0, 2 * Math.PI); });
      ctx.fill();
    }
    if (show.manifold) {
      ctx.strokeStyle = MANIFOLD; ctx.lineWidth = 1; ctx.beginPath();
      s.manifold.z.forEach((z, i) => { ctx.moveTo(X(z), zRow); ctx.lineTo(X(s.manifold.x[i]), axis + 11); });
      ctx.stroke();
      label(ctx, 'noise z  →  G(z)', 6, zRow - 6);
    }
    // The modes, as rings on the axis.
    ctx.strokeStyle = '#000'; ctx.lineWidth = 1.2; ctx.beginPath();
    s.centers.forEach((c) => { ctx.moveTo(X(c) + 4.5, axis); ctx.arc(X(c), axis, 4.5, 0, 2 * Math.PI); });
    ctx.stroke();
    label(ctx, `x ∈ [${x0}, ${x1}]`, w - 80, h - 6);
  }

  function label(ctx, text, x, y) {
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = 'rgba(255,255,255,0.75)';
    const m = ctx.measureText(text);
    ctx.fillRect(x - 2, y - 10, m.width + 4, 13);
    ctx.fillStyle = '#333'; ctx.fillText(text, x, y);
  }

  function drawView(s) {
    $('legend-modes').hidden = s.centers.length === 0; // the swiss roll has none
    const { ctx, w, h } = fit($('canvas'));
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = '#fafafa'; ctx.fillRect(0, 0, w, h);
    (s.dim === 1 ? draw1D : draw2D)(ctx, w, h, s);
  }

  // The colour key under the view: the ramp, and what its ends mean.
  function drawKey(s) {
    const { ctx, w, h } = fit($('key'));
    for (let x = 0; x < w; x++) {
      const [r, g, b] = rampAt(x / (w - 1));
      ctx.fillStyle = `rgb(${r},${g},${b})`; ctx.fillRect(x, 0, 1, h);
    }
    const fmt = (v) => Number(v).toPrecision(3);
    if (s.heat.probability) {
      $('key-low').textContent = '0: looks generated';
      $('key-high').textContent = '1: looks real';
      $('key-text').textContent = "Background: the discriminator's probability D(x) that a point is real (white at ½).";
    } else {
      $('key-low').textContent = `low: ${fmt(s.heat.min)}`;
      $('key-high').textContent = `high: ${fmt(s.heat.max)}, looks real`;
      $('key-text').textContent = "Background: the critic's raw score f(x), stretched over its range on the window; higher means more real.";
    }
  }

  // ---- Charts ----
  const CHART_TITLES = {
    loss: 'Losses (mean over windows of steps)',
    modes: 'Modes captured',
    'high quality': 'High-quality share (within 3σ of a mode)',
    W1: 'W₁ distance to the data (exact, on samples)',
  };

  function chartCanvas(name) {
    const id = 'chart-' + name.replace(/\W+/g, '-');
    let c = document.getElementById(id);
    if (!c) {
      const box = document.createElement('div'); box.className = 'chart';
      const title = document.createElement('h3'); title.textContent = CHART_TITLES[name] || name;
      c = document.createElement('canvas'); c.id = id;
      c.setAttribute('aria-label', 'Chart: ' + title.textContent);
      box.append(title, c); $('charts').append(box);
    }
    return c;
  }

  function drawCharts(s) {
    const charts = new Map();
    s.series.forEach((se) => { if (!charts.has(se.chart)) charts.set(se.chart, []); charts.get(se.chart).push(se); });
    // Remove charts of series that no longer exist (a new data set).
    [...$('charts').children].forEach((box) => {
      const id = box.querySelector('canvas').id;
      if (![...charts.keys()].some((n) => 'chart-' + n.replace(/\W+/g, '-') === id)) box.remove();
    });
    const modes = s.centers.length / s.dim;
    charts.forEach((list, name) => {
      let lo = Infinity, hi = -Infinity, last = 1;
      list.forEach((se) => se.values.forEach((v, i) => {
        if (v !== null && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        last = Math.max(last, se.steps[i]);
      }));
      if (name === 'modes') { lo = 0; hi = modes; }
      if (name === 'high quality') { lo = 0; hi = 1; }
      if (!(hi > lo)) { lo = isFinite(lo) ? lo - 1 : 0; hi = lo + 2; }
      plotChart(chartCanvas(name), list, lo, hi, last);
    });
  }

  // plotChart draws the series over steps 0..last, with values lo..hi
  // (labelled on the left) inside a slightly larger range, so that lines
  // at the ends stay clear of the frame.
  function plotChart(canvas, list, lo, hi, last) {
    const { ctx, w, h } = fit(canvas);
    const L = 44, R = 6, T = 6, B = 16;
    const pad = (hi - lo) * 0.06, top = hi + pad, bottom = lo - pad;
    const X = (st) => L + st / last * (w - L - R), Y = (v) => T + (top - v) / (top - bottom) * (h - T - B);
    ctx.clearRect(0, 0, w, h);
    ctx.font = '10.5px system-ui, sans-serif'; ctx.fillStyle = '#555';
    const fmt = (v) => Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : +v.toPrecision(3);
    ctx.fillText(String(fmt(hi)), 2, Y(hi) + 4); ctx.fillText(String(fmt(lo)), 2, Y(lo) + 4);
    ctx.fillText('0', L, h - 3); ctx.fillText(`step ${last}`, w - R - ctx.measureText(`step ${last}`).width, h - 3);
    ctx.strokeStyle = '#ccc'; ctx.lineWidth = 1; ctx.strokeRect(L, T, w - L - R, h - T - B);
    list.forEach((se, k) => {
      ctx.strokeStyle = LINE_COLOURS[k % LINE_COLOURS.length]; ctx.lineWidth = 1.4;
      ctx.beginPath();
      let started = false;
      se.values.forEach((v, i) => {
        if (v === null || !isFinite(v)) { started = false; return; }
        const px = X(se.steps[i]), py = Y(v);
        started ? ctx.lineTo(px, py) : ctx.moveTo(px, py); started = true;
      });
      ctx.stroke();
      // Legend: name and latest value, top right.
      const lastV = se.values[se.values.length - 1];
      const text = `${se.name} ${lastV === null || lastV === undefined ? '–' : fmt(lastV)}`;
      const tw = ctx.measureText(text).width;
      ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
      ctx.fillRect(w - R - 6 - tw, T + 2 + 12 * k, tw + 4, 12);
      ctx.fillStyle = LINE_COLOURS[k % LINE_COLOURS.length];
      ctx.fillText(text, w - R - 4 - tw, T + 12 + 12 * k);
    });
  }

  // ---- DOM state: counter, status, buttons, form ----
  function updateDOM(s) {
    $('step').textContent = String(s.step);
    $('speed').textContent = s.running && s.steps_per_second > 0 ? `· ${Math.round(s.steps_per_second)} steps/s` : '';
    const st = $('status');
    if (s.error) { st.textContent = '■ stopped'; st.className = 'status error'; }
    else if (s.running) { st.textContent = '● training'; st.className = 'status running'; }
    else { st.textContent = '❚❚ paused'; st.className = 'status paused'; }
    $('play').disabled = s.running || !!s.error;
    $('pause').disabled = !s.running;
    $('step-once').disabled = !!s.error;
    if (s.error) $('message').textContent = s.error;
    else if ($('message').dataset.from === 'run') $('message').textContent = '';
    if (s.error) $('message').dataset.from = 'run';
    // Settings: follow the server unless the reader is editing the field.
    for (const name of ['data', 'loss', 'lr_g', 'lr_d', 'd_steps', 'seed']) {
      const el = $(name);
      if (el === document.activeElement || el.getAttribute('aria-invalid') === 'true') continue;
      const v = String(s.config[name]);
      if (el.value !== v) el.value = v;
    }
  }

  function render() {
    drawPending = false;
    if (!snap) return;
    drawView(snap); drawKey(snap); drawCharts(snap);
  }

  function receive(s) {
    snap = s;
    updateDOM(s); // at once, even when the tab is hidden and frames are not drawn
    if (!drawPending) { drawPending = true; requestAnimationFrame(render); }
  }

  // ---- Server: events (or polling), controls ----
  function connect() {
    if (!window.EventSource) { // very old browsers: poll
      setInterval(() => fetch('state').then((r) => r.ok && r.json()).then((s) => s && receive(s)).catch(() => {}), 250);
      return;
    }
    const es = new EventSource('events');
    es.onmessage = (ev) => receive(JSON.parse(ev.data));
    es.onerror = () => { $('status').textContent = 'connection lost, retrying…'; $('status').className = 'status error'; };
  }

  // control posts a form to /control; a refused value is shown next to
  // its field (the server names the field in its answer).
  async function control(params) {
    const msg = $('message');
    try {
      const r = await fetch('control', { method: 'POST', body: new URLSearchParams(params) });
      const body = await r.json();
      if (!r.ok) {
        msg.textContent = body.error; msg.dataset.from = 'control';
        if (body.field && $(body.field)) $(body.field).setAttribute('aria-invalid', 'true');
        return false;
      }
      if (msg.dataset.from === 'control') msg.textContent = '';
      Object.keys(params).forEach((k) => $(k) && $(k).removeAttribute('aria-invalid'));
      return true;
    } catch (e) {
      msg.textContent = 'The server does not answer (stopped?).'; msg.dataset.from = 'control';
      return false;
    }
  }

  $('play').addEventListener('click', () => control({ action: 'play' }));
  $('pause').addEventListener('click', () => control({ action: 'pause' }));
  $('step-once').addEventListener('click', () => control({ action: 'step' }));
  $('reset').addEventListener('click', () => control({ action: 'reset' }));
  for (const name of ['data', 'loss', 'lr_g', 'lr_d', 'd_steps', 'seed']) {
    $(name).addEventListener('change', (ev) => control({ action: 'set', [name]: ev.target.value.trim() }));
  }
  $('settings').addEventListener('submit', (ev) => ev.preventDefault()); // Enter fires change instead
  for (const key of Object.keys(show)) {
    $('show-' + key).addEventListener('change', (ev) => { show[key] = ev.target.checked; render(); });
  }
  window.addEventListener('resize', render);
  connect();
})();
