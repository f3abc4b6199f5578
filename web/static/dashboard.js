// Managers' dashboard: fetch each chart's JSON for the filters in the URL, draw it with
// Chart.js, render the tables with drill-down links, and compose a PNG snapshot. Every word
// comes from the page (the #dashboard-words JSON block, rendered from the catalogue); times
// are shown in the centre's time zone (data-timezone), never the browser's.
(function () {
  "use strict";
  const root = document.getElementById("dashboard");
  const W = JSON.parse(document.getElementById("dashboard-words").textContent);
  const zone = root.dataset.timezone;
  const query = window.location.search;
  const params = new URLSearchParams(query);
  const charts = [];
  const GREY = "rgb(176, 176, 176)";
  const pct = (v) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);
  const fmt = (v, digits = 1) => (v === null || v === undefined ? "" : Number(v).toFixed(digits));
  const fill = (template, values) =>
    template.replace(/%\((\w+)\)s/g, (m, key) => (key in values ? String(values[key]) : m));

  // "2026-11-30 14:05" in the centre's zone
  const clock = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  function zoned(date) {
    const p = Object.fromEntries(clock.formatToParts(date).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  }
  const period = (row) => (row.first && row.last ? fill(W.range, row) : row.period);
  const agentName = (code) => {
    const name = W.agent_names[code];
    return name ? fill(W.agent_name, { name, code }) : code;
  };
  // small samples: grey points and bars, the rest in the series colour
  const shade = (rows, color) => rows.map((r) => (r.small_sample ? GREY : color));

  function get(name) {
    return fetch(root.dataset.api + name + query, {
      credentials: "same-origin", headers: { Accept: "application/json" },
    }).then((r) => {
      if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
      return r.json();
    });
  }

  function chart(id, config) {
    if (!window.Chart) return;
    // one period is one point (or one slim bar), never a bar filling the chart
    for (const set of config.data.datasets) {
      const type = set.type || config.type;
      if (type === "bar" && set.maxBarThickness === undefined) set.maxBarThickness = 48;
      if (type === "line" && set.pointRadius === undefined) set.pointRadius = 3;
    }
    config.options = Object.assign({ animation: false, maintainAspectRatio: false }, config.options);
    charts.push({ id, chart: new window.Chart(document.getElementById(id), config) });
  }

  function drill(kind, value) {
    const q = new URLSearchParams();
    for (const key of ["from", "to", "queue"]) if (params.get(key)) q.set(key, params.get(key));
    if (kind === "team" && params.get("agent")) q.set("agent", params.get("agent"));
    if (kind === "agent" && params.get("team")) q.set("team", params.get("team"));
    q.set(kind, value);
    return `${root.dataset.queue}?${q}`;
  }

  function link(href, text) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function smallBadge() {
    const span = document.createElement("span");
    span.className = "badge text-bg-light border small-badge";
    span.textContent = W.small;
    span.title = W.small_note;
    return span;
  }

  // columns: [key, header, kind]; kind: pct, num, p, corr (r or ρ unless not comparable),
  // reason (drill by reason), agent / team (drill, agent with name)
  function table(id, columns, rows) {
    const el = document.getElementById(id);
    el.textContent = "";
    const head = el.createTHead();
    head.className = "table-light";
    const tr0 = head.insertRow();
    for (const [, label] of columns) {
      const th = tr0.appendChild(document.createElement("th"));
      th.scope = "col";
      th.textContent = label;
    }
    const body = el.createTBody();
    if (!rows.length) {
      const td = body.insertRow().insertCell();
      td.colSpan = columns.length;
      td.className = "text-body-secondary";
      td.textContent = W.no_data;
    }
    for (const row of rows) {
      const tr = body.insertRow();
      if (row.small_sample) tr.classList.add("small-sample");
      for (const [key, , kind] of columns) {
        const td = tr.insertCell();
        const v = row[key];
        const empty = v === null || v === undefined;
        if (kind === "reason") td.appendChild(link(drill("reason", row.reason), v));
        else if (kind === "agent") td.appendChild(link(drill("agent", v), agentName(v)));
        else if (kind === "team") td.appendChild(link(drill("team", v), v));
        else if (kind === "small") { if (v) td.appendChild(smallBadge()); }
        else if (kind === "corr" && row.comparable === false) {
          td.className = "text-body-secondary";
          td.textContent = W.not_enough;
          td.title = W.not_enough_note;
        } else if (kind === "pct") td.textContent = empty ? "" : `${pct(v)}%`;
        else if (kind === "num" || kind === "corr") td.textContent = fmt(v, kind === "corr" ? 2 : 1);
        else if (kind === "p") td.textContent = empty ? "" : Number(v).toPrecision(2);
        else td.textContent = empty ? "" : v;
        if (kind === "pct" || kind === "num" || kind === "p" || kind === "corr") td.classList.add("text-end");
      }
    }
  }

  const league = (key) => [
    ["rank", W.rank],
    [key, W[key], key],
    ...(key === "agent" ? [["team", W.team]] : []),
    ["calls", W.calls],
    ["qa_mean", W.qa_mean, "num"],
    ["fatal", W.fatal],
    ["fatal_rate", W.fatal_rate, "pct"],
    ["complaint_risk", W.complaint_risk],
    ["churn_risk", W.churn_risk],
    ["responses", W.responses],
    ["satisfied_rate", W.satisfied_rate, "pct"],
    ["satisfied_rate_low", W.low, "pct"],
    ["satisfied_rate_high", W.high, "pct"],
    ["nps", W.nps, "num"],
    ["small_sample", W.small, "small"],
  ];

  function kpi(id, value) {
    document.querySelector(`#${id} .kpi-value`).textContent = value;
  }

  const band = (label, color, rows, values, low, high, axis) => [
    {
      label, data: values, borderColor: color, backgroundColor: color, yAxisID: axis, spanGaps: true,
      pointBackgroundColor: shade(rows, color), pointBorderColor: shade(rows, color),
    },
    { label: `${label} ${W.low}`, data: low, borderWidth: 0, pointRadius: 0, yAxisID: axis, fill: false, band: true },
    {
      label: `${label} ${W.high}`, data: high, borderWidth: 0, pointRadius: 0, yAxisID: axis, band: true,
      fill: "-1", backgroundColor: color.replace("rgb", "rgba").replace(")", ", 0.15)"),
    },
  ];
  const hideBands = { labels: { filter: (item, data) => !data.datasets[item.datasetIndex].band } };

  const loads = [
    get("qa").then((d) => {
      const note = fill(W.as_of, { time: zoned(new Date(d.as_of)), zone });
      document.getElementById("as-of").textContent = d.refreshing ? `${note} ${W.refreshing}` : note;
      kpi("kpi-calls", d.calls);
      kpi("kpi-qa", fmt(d.mean_score) || "–");
      kpi("kpi-fatal", d.fatal);
      chart("chart-distribution", {
        type: "bar",
        data: { labels: d.distribution.bins, datasets: [{ label: W.calls, data: d.distribution.counts, backgroundColor: "rgb(25, 118, 210)" }] },
      });
      const t = d.trend;
      chart("chart-qa-trend", {
        data: {
          labels: t.map(period),
          datasets: [
            {
              type: "line", label: W.qa_mean, data: t.map((r) => r.mean_score), yAxisID: "y",
              borderColor: "rgb(25, 118, 210)", backgroundColor: "rgb(25, 118, 210)",
              pointBackgroundColor: shade(t, "rgb(25, 118, 210)"), pointBorderColor: shade(t, "rgb(25, 118, 210)"),
              pointRadius: 4,
            },
            { type: "bar", label: W.fatal, data: t.map((r) => r.fatal), backgroundColor: shade(t, "rgb(198, 40, 40)"), yAxisID: "y1" },
          ],
        },
        options: { scales: { y: { min: 0, max: 100 }, y1: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } } } },
      });
    }),
    get("items").then((d) => {
      chart("chart-items", {
        type: "bar",
        data: { labels: d.rows.map((r) => r.title), datasets: [{ label: W.failure_rate_pct, data: d.rows.map((r) => pct(r.failed_rate)), backgroundColor: shade(d.rows, "rgb(239, 108, 0)") }] },
        options: { indexAxis: "y" },
      });
    }),
    get("satisfaction").then((d) => {
      const o = d.overall;
      kpi("kpi-satisfied", o && o.satisfied_rate !== null ? `${pct(o.satisfied_rate)}%` : "–");
      kpi("kpi-csat", o && o.csat_top2 !== null ? `${pct(o.csat_top2)}%` : "–");
      kpi("kpi-nps", o && o.nps !== null ? fmt(o.nps) : "–");
      if (o && o.small_sample) document.querySelector("#kpi-satisfied .kpi-value").append(" ", smallBadge());
      const t = d.trend;
      chart("chart-satisfaction", {
        type: "line",
        data: {
          labels: t.map(period),
          datasets: [
            ...band(W.satisfied_pct, "rgb(46, 125, 50)", t, t.map((r) => pct(r.satisfied_rate)), t.map((r) => pct(r.satisfied_rate_low)), t.map((r) => pct(r.satisfied_rate_high)), "y"),
            { label: W.csat_pct, data: t.map((r) => pct(r.csat_top2)), borderColor: "rgb(123, 31, 162)", backgroundColor: "rgb(123, 31, 162)", yAxisID: "y", spanGaps: true },
            ...band(W.nps, "rgb(2, 136, 209)", t, t.map((r) => r.nps), t.map((r) => r.nps_low), t.map((r) => r.nps_high), "y1"),
          ],
        },
        options: {
          plugins: { legend: hideBands },
          scales: { y: { min: 0, max: 100 }, y1: { position: "right", min: -100, max: 100, grid: { drawOnChartArea: false } } },
        },
      });
    }),
    get("agents").then((d) => {
      table("agents-table", league("agent"), d.rows);
      document.getElementById("chart-agents-note").textContent =
        d.spearman === null ? "" : fill(W.spearman, { rho: fmt(d.spearman, 2), p: Number(d.spearman_p).toPrecision(2) });
      const points = d.rows.filter((r) => r.satisfied_rate !== null);
      chart("chart-agents", {
        type: "scatter",
        data: {
          datasets: [{
            label: W.agents_set,
            data: points.map((r) => ({ x: r.qa_mean, y: pct(r.satisfied_rate), agent: r.agent, n: r.responses })),
            backgroundColor: shade(points, "rgb(25, 118, 210)"),
          }],
        },
        options: {
          scales: { x: { title: { display: true, text: W.qa_axis } }, y: { title: { display: true, text: W.satisfied_pct } } },
          plugins: {
            tooltip: {
              callbacks: {
                label: (c) => fill(W.agent_point, { agent: agentName(c.raw.agent), qa: fmt(c.raw.x), rate: `${c.raw.y}%`, n: c.raw.n }),
              },
            },
          },
          onClick: (event, elements) => {
            if (elements.length) window.location.href = drill("agent", points[elements[0].index].agent);
          },
        },
      });
    }),
    get("teams").then((d) => table("teams-table", league("team"), d.rows)),
    get("correlation").then((d) => {
      table("correlation-table", [
        ["title", W.item], ["n", W.n], ["failed", W.failed],
        ["dissatisfied_if_failed", W.dissatisfied_if_failed, "pct"], ["dissatisfied_if_passed", W.dissatisfied_if_passed, "pct"],
        ["point_biserial", "r", "corr"], ["point_biserial_p", "p", "p"], ["spearman", "ρ", "corr"],
        ["small_sample", W.small, "small"],
      ], d.rows);
      const rows = d.rows.filter((r) => r.failed > 0).slice(0, 10);
      chart("chart-correlation", {
        type: "bar",
        data: {
          labels: rows.map((r) => r.title),
          datasets: [
            { label: W.dissatisfied_if_failed_pct, data: rows.map((r) => pct(r.dissatisfied_if_failed)), backgroundColor: shade(rows, "rgb(198, 40, 40)") },
            { label: W.dissatisfied_if_passed_pct, data: rows.map((r) => pct(r.dissatisfied_if_passed)), backgroundColor: "rgb(120, 144, 156)" },
          ],
        },
        options: { indexAxis: "y" },
      });
    }),
    get("flags").then((d) => {
      // a flag counts until a reviewer dismisses it: how many of the calls still wait for one
      // (inspector/reports/league.py waiting_key)
      const waitingOf = (row, f) => row[`${f}_waiting`] || 0;
      const waiting = d.flags
        .map((f) => [W.flags[f] || f, d.trend.reduce((n, r) => n + waitingOf(r, f), 0)])
        .filter(([, n]) => n > 0);
      document.getElementById("chart-flags-note").textContent = waiting.length
        ? fill(W.flags_waiting, { list: waiting.map(([label, n]) => fill(W.flag_calls, { flag: label, n })).join(W.list_sep) })
        : W.flags_waiting_none;
      const colors = ["rgb(198, 40, 40)", "rgb(239, 108, 0)", "rgb(123, 31, 162)", "rgb(2, 136, 209)", "rgb(85, 139, 47)", "rgb(93, 64, 55)"];
      chart("chart-flags", {
        type: "line",
        data: {
          labels: d.trend.map(period),
          datasets: d.flags.map((f, i) => ({
            label: W.flags[f] || f,
            flag: f,
            data: d.trend.map((r) => (r.calls ? Math.round((r[f] / r.calls) * 1000) / 10 : null)),
            borderColor: colors[i % colors.length], backgroundColor: colors[i % colors.length],
            pointBackgroundColor: shade(d.trend, colors[i % colors.length]),
          })),
        },
        options: {
          scales: { y: { beginAtZero: true, title: { display: true, text: W.per_hundred } } },
          plugins: {
            tooltip: {
              callbacks: {
                // a flag counts until a reviewer dismisses it: say how many still wait for one
                label: (c) => {
                  const row = d.trend[c.dataIndex];
                  const f = c.dataset.flag;
                  return fill(W.flag_point, { flag: c.dataset.label, rate: c.formattedValue, n: row[f], waiting: waitingOf(row, f) });
                },
              },
            },
          },
        },
      });
    }),
    get("reasons").then((d) => {
      table("reasons-table", [["label", W.reason, "reason"], ["calls", W.calls], ["share", W.share, "pct"]], d.reasons);
      chart("chart-reasons", {
        type: "bar",
        data: { labels: d.reasons.map((r) => r.label), datasets: [{ label: W.calls, data: d.reasons.map((r) => r.calls), backgroundColor: "rgb(0, 121, 107)" }] },
        options: { indexAxis: "y" },
      });
      const colors = ["rgb(198, 40, 40)", "rgb(239, 108, 0)", "rgb(249, 168, 37)", "rgb(46, 125, 50)", "rgb(0, 121, 107)", "rgb(2, 136, 209)", "rgb(40, 53, 147)", "rgb(123, 31, 162)", "rgb(173, 20, 87)", "rgb(93, 64, 55)", "rgb(96, 125, 139)"];
      chart("chart-reason-trend", {
        type: "line",
        data: {
          labels: d.trend.map(period),
          datasets: Object.entries(d.labels).map(([code, label], i) => ({
            label, data: d.trend.map((r) => r[code]),
            borderColor: colors[i % colors.length], backgroundColor: colors[i % colors.length],
          })),
        },
        options: { scales: { y: { beginAtZero: true } } },
      });
    }),
    get("reason_satisfaction").then((d) => {
      table("reason-satisfaction-table", [
        ["label", W.reason, "reason"], ["responses", W.responses],
        ["satisfied_rate", W.satisfied_rate, "pct"], ["satisfied_rate_low", W.low, "pct"], ["satisfied_rate_high", W.high, "pct"],
        ["dissatisfied_rate", W.dissatisfied_rate, "pct"], ["dissatisfied_rate_low", W.low, "pct"], ["dissatisfied_rate_high", W.high, "pct"],
        ["small_sample", W.small, "small"],
      ], d.rows);
      chart("chart-reason-satisfaction", {
        type: "line",
        data: {
          labels: d.rows.map((r) => r.label),
          // categories, not a series: points with their interval band, no joining line
          datasets: band(W.satisfied_pct, "rgb(46, 125, 50)", d.rows, d.rows.map((r) => pct(r.satisfied_rate)), d.rows.map((r) => pct(r.satisfied_rate_low)), d.rows.map((r) => pct(r.satisfied_rate_high)), "y")
            .map((set, i) => (i === 0 ? Object.assign(set, { showLine: false, pointRadius: 5 }) : set)),
        },
        options: { plugins: { legend: hideBands }, scales: { y: { min: 0, max: 100 } } },
      });
    }),
    get("reason_qa").then((d) => {
      table("reason-qa-table", [
        ["label", W.reason, "reason"], ["calls", W.calls], ["qa_mean", W.qa_mean, "num"],
        ["fatal_rate", W.fatal_rate, "pct"], ["top_failed", W.top_failed], ["small_sample", W.small, "small"],
      ], d.rows);
    }),
    get("emerging").then((d) => {
      const list = document.getElementById("emerging-list");
      list.textContent = "";
      document.getElementById("emerging-note").textContent = d.period === "day" ? W.emerging_note_day : W.emerging_note_week;
      if (!d.alerts.length) list.appendChild(document.createElement("li")).textContent = W.emerging_none;
      for (const a of d.alerts) {
        const li = list.appendChild(document.createElement("li"));
        li.appendChild(document.createElement("strong")).textContent =
          `${a.kind === "reason" ? W.emerging_reason : W.emerging_phrase} · ${a.label}`;
        li.append(" ", fill(W.emerging_alert, {
          since: a.since, recent: a.recent, total: a.recent_calls, expected: a.expected,
          ratio: a.ratio, p: Number(a.p_value).toPrecision(2),
        }));
        if (a.phrases.length) li.append(fill(W.emerging_phrases, { phrases: a.phrases.join(", ") }));
        li.append(W.emerging_examples, " ");
        for (const e of a.examples) {
          li.appendChild(link(root.dataset.call.replace(/0$/, String(e.pk)), e.call_id));
          li.append(" ");
        }
      }
    }),
    get("fcr").then((d) => {
      const o = d.overall;
      kpi("kpi-fcr", o ? `${pct(o.fcr)}%` : "–");
      document.getElementById("fcr-note").textContent = fill(W.fcr_note, { days: d.window_days });
      const cols = [
        ["contacts", W.contacts], ["repeats", W.repeats], ["fcr", W.fcr, "pct"],
        ["fcr_low", W.low, "pct"], ["fcr_high", W.high, "pct"], ["small_sample", W.small, "small"],
      ];
      table("fcr-reasons-table", [["label", W.reason, "reason"], ...cols], d.reason);
      table("fcr-agents-table", [["agent", W.agent, "agent"], ...cols], d.agent);
      table("fcr-teams-table", [["team", W.team, "team"], ...cols], d.team);
    }),
  ];

  Promise.all(loads)
    .catch((err) => {
      const el = document.getElementById("dashboard-error");
      el.hidden = false;
      el.textContent = fill(W.loading_failed, { error: err.message });
    })
    .finally(() => {
      document.body.dataset.ready = "1";
    });

  // One PNG of the whole dashboard for the weekly report: title, filters, figures, every chart.
  document.getElementById("snapshot").addEventListener("click", () => {
    const columns = 2;
    const cell = { w: 700, h: 380 };
    const head = 110;
    const rows = Math.ceil(charts.length / columns);
    const canvas = document.createElement("canvas");
    canvas.width = cell.w * columns + 40;
    canvas.height = head + rows * cell.h + 20;
    const g = canvas.getContext("2d");
    g.fillStyle = "#fff";
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.fillStyle = "#222";
    g.font = "bold 26px sans-serif";
    g.fillText(W.snapshot_title, 20, 40);
    g.font = "16px sans-serif";
    const filters = [...params].filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join("  ") || W.all;
    g.fillText(fill(W.snapshot_filters, { filters, time: zoned(new Date()), zone }), 20, 68);
    const figures = [...document.querySelectorAll("#kpis .kpi")]
      .map((k) => `${k.querySelector(".small").innerText.trim()} ${k.querySelector(".kpi-value").innerText}`)
      .join("   ");
    g.fillText(figures, 20, 94);
    charts.forEach(({ id, chart: c }, i) => {
      const x = 20 + (i % columns) * cell.w;
      const y = head + Math.floor(i / columns) * cell.h;
      g.font = "bold 16px sans-serif";
      g.fillText(document.getElementById(id).closest(".card").querySelector("h2").innerText, x, y + 18);
      const src = c.canvas;
      const scale = Math.min((cell.w - 20) / src.width, (cell.h - 40) / src.height);
      g.drawImage(src, x, y + 28, src.width * scale, src.height * scale);
    });
    canvas.toBlob((blob) => {
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = `dashboard-${zoned(new Date()).slice(0, 10)}.png`;
      document.body.appendChild(a);
      a.click();
      a.remove();
    }, "image/png");
  });
})();
