/**
 * The live page's trends, as the browser script served at `/assets/trend.js`. It draws with
 * uPlot (served from the package at `/assets/uplot.js`, no CDN). It owns no connection: the page
 * re-dispatches what arrives on `/events` as DOM events (`cpppo:snapshot`, `cpppo:tags`) and
 * asks for a trend with `cpppo:trend` ({ name, index }), so the page and the trends stay
 * separate modules. Each trended element is seeded from `/history/series` when the simulator
 * records history; then every tag event and snapshot adds its points. Several elements can share
 * a chart; "New chart" starts another. For tests, `window.cpppoTrends.charts()` reports each
 * chart's series and points.
 */
export const TREND_SCRIPT = String.raw`"use strict";
(() => {
  const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];
  const WINDOWS = [1, 5, 15, 60];
  const MAX_POINTS = 5000;
  let minutes = 5;
  let skew = 0; // server clock - browser clock, from snapshots
  let snapshot = null; // the latest, for the current value of a newly trended element
  const now = () => Date.now() + skew;
  const elements = new Map(); // "name[i]" (lower case) -> { key, name, index, points: [[ms, v]] }
  const charts = [];
  let active = null;

  const el = (tag, props, ...kids) => {
    const e = document.createElement(tag);
    Object.assign(e, props || {});
    for (const k of kids) e.append(k);
    return e;
  };
  const section = el("section", { id: "trends", hidden: true });
  const windowBox = el("select", { title: "how much of the past the trends show" });
  for (const m of WINDOWS) windowBox.append(el("option", { value: String(m), textContent: "last " + m + " min", selected: m === minutes }));
  windowBox.addEventListener("change", () => { minutes = Number(windowBox.value); for (const e of elements.values()) seed(e); redrawAll(); });
  const newButton = el("button", { textContent: "New chart", title: "the next tag clicked starts a new chart" });
  newButton.addEventListener("click", () => { active = null; newButton.disabled = true; });
  section.append(el("h2", {}, "Trends ", windowBox, " ", newButton, " ", el("span", { className: "mute", textContent: "click a tag or a value to add it" })));
  const main = document.querySelector("main");
  main.prepend(section);

  const plottable = (v) => typeof v === "boolean" ? (v ? 1 : 0) : typeof v === "number" && isFinite(v) ? v : undefined;

  const addPoint = (e, t, raw) => {
    const v = plottable(raw);
    if (v === undefined) return false;
    const p = e.points;
    let i = p.length;
    while (i > 0 && p[i - 1][0] > t) i--;
    // The same point again (history fetched anew for a wider window) is kept once.
    if (i > 0 && p[i - 1][0] === t && p[i - 1][1] === v) return false;
    p.splice(i, 0, [t, v]);
    if (p.length > MAX_POINTS) p.splice(0, p.length - MAX_POINTS);
    return true;
  };

  // Points from before the window go, but the last of them stays: it is the value at the left edge.
  const prune = (e) => {
    const cut = now() - minutes * 60000;
    let i = 0;
    while (i + 1 < e.points.length && e.points[i + 1][0] <= cut) i++;
    if (i > 0) e.points.splice(0, i);
  };

  async function seed(e) {
    const since = (now() - minutes * 60000) / 1000;
    try {
      const res = await fetch("history/series?tags=" + encodeURIComponent(e.name + "[" + e.index + "]") + "&since=" + since, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (!res.ok) return; // this simulator keeps no history
      const body = await res.json();
      const h = body.series.find((s) => s.tag.toLowerCase() === e.name.toLowerCase() && s.index === e.index);
      if (h) { for (const [t, v] of h.points) addPoint(e, t, v); redrawAll(); }
    } catch (err) { /* no history: the trend starts now */ }
  }

  const tagOf = (s, name) => {
    if (!s) return undefined;
    const hit = Object.entries(s.tags).find(([n]) => n.toLowerCase() === name.toLowerCase());
    return hit && hit[1];
  };

  const element = (name, index, scalar) => {
    const key = (name + "[" + index + "]").toLowerCase();
    let e = elements.get(key);
    if (!e) {
      const tag = tagOf(snapshot, name);
      // A scalar is named as it is declared (the page says so; the snapshot may not have come yet).
      e = { key, label: scalar || (tag && tag.scalar) ? name : name + "[" + index + "]", name, index, points: [] };
      elements.set(key, e);
      // The value now, then what history knows of the minutes before.
      if (tag && index < tag.values.length) addPoint(e, snapshot.until * 1000, tag.values[index]);
      seed(e);
    }
    return e;
  };

  function makeChart() {
    const box = el("div", { className: "trend" });
    const names = el("span", { className: "trend-names" });
    const remove = el("button", { className: "danger", textContent: "Remove", title: "remove this chart" });
    const plot = el("div", { className: "trend-plot" });
    box.append(el("div", { className: "trend-head" }, names, " ", remove), plot);
    section.append(box);
    const chart = { box, names, plot, series: [], u: null };
    box.dataset.testid = "trend-" + charts.length;
    remove.addEventListener("click", () => {
      if (chart.u) chart.u.destroy();
      box.remove();
      charts.splice(charts.indexOf(chart), 1);
      if (active === chart) active = null;
      section.hidden = charts.length === 0;
    });
    charts.push(chart);
    return chart;
  }

  // uPlot wants one x array for all series: the union of the points' times, plus now, with
  // each series' value carried forward (a value holds until the next one).
  function data(chart) {
    const cut = now() - minutes * 60000;
    const times = new Set([now()]);
    for (const e of chart.series) for (const [t] of e.points) times.add(Math.max(t, cut));
    const xs = [...times].sort((a, b) => a - b);
    const ys = chart.series.map((e) => {
      const out = new Array(xs.length).fill(null);
      let j = 0, last = null;
      for (let i = 0; i < xs.length; i++) {
        while (j < e.points.length && e.points[j][0] <= xs[i]) last = e.points[j++][1];
        out[i] = last;
      }
      return out;
    });
    return [xs.map((t) => t / 1000), ...ys];
  }

  function build(chart) {
    if (chart.u) chart.u.destroy();
    chart.names.textContent = chart.series.map((e) => e.label).join(", ");
    const width = Math.max(300, chart.plot.clientWidth || section.clientWidth - 40);
    chart.u = new uPlot({
      width, height: 220,
      // The x axis is always the last N minutes, up to now.
      scales: { x: { time: true, range: () => [(now() - minutes * 60000) / 1000, now() / 1000] } },
      series: [{}, ...chart.series.map((e, i) => ({
        label: e.label, stroke: COLORS[i % COLORS.length], width: 1.5,
        paths: uPlot.paths.stepped({ align: 1 }), points: { show: true, size: 4 }, spanGaps: true
      }))]
    }, data(chart), chart.plot);
  }

  function redraw(chart) {
    if (!chart.u) return;
    chart.u.setData(data(chart));
  }
  let pending = false;
  function redrawAll() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; for (const e of elements.values()) prune(e); for (const c of charts) redraw(c); });
  }

  function trend(name, index, scalar) {
    if (typeof uPlot === "undefined") return;
    if (!active) { active = makeChart(); newButton.disabled = false; }
    const e = element(name, index, scalar);
    if (!active.series.includes(e)) { active.series.push(e); build(active); }
    section.hidden = false;
  }

  document.addEventListener("cpppo:trend", (ev) => trend(ev.detail.name, ev.detail.index, ev.detail.scalar === true));

  document.addEventListener("cpppo:tags", (ev) => {
    let changed = false;
    for (const e of ev.detail) {
      if (!e.values) continue;
      for (const t of elements.values()) {
        if (t.name.toLowerCase() !== e.name.toLowerCase() || t.index < e.start || t.index >= e.start + e.values.length) continue;
        changed = addPoint(t, e.at, e.values[t.index - e.start]) || changed;
      }
    }
    if (changed) redrawAll();
  });

  // Snapshots (every second) move the right edge to now, and catch values changed without an
  // event (history seeds, or writes missed while reconnecting).
  document.addEventListener("cpppo:snapshot", (ev) => {
    const s = ev.detail;
    snapshot = s;
    skew = s.until * 1000 - Date.now();
    for (const t of elements.values()) {
      const tag = tagOf(s, t.name);
      if (!tag || t.index >= tag.values.length) continue;
      const v = plottable(tag.values[t.index]);
      const last = t.points[t.points.length - 1];
      if (v !== undefined && (!last || last[1] !== v)) addPoint(t, s.until * 1000, v);
    }
    redrawAll();
  });

  window.addEventListener("resize", () => { for (const c of charts) if (c.u) c.u.setSize({ width: Math.max(300, c.plot.clientWidth), height: 220 }); });

  window.cpppoTrends = {
    charts: () => charts.map((c) => ({ series: c.series.map((e) => ({ name: e.label, points: e.points.map((p) => p.slice()) })) })),
    trend
  };
})();
`

/** Styles of the trend section (the page's own style sheet has the rest). */
export const TREND_STYLE = `
#trends .trend{border-top:1px solid var(--line);padding:.4em 0}
#trends .trend-head{display:flex;gap:.6em;align-items:center;margin-bottom:.3em}
#trends .trend-names{font:13px ui-monospace,Menlo,Consolas,monospace}
#trends select{padding:.15em .3em}
.vals span,td code{cursor:pointer}
`
