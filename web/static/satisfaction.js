// The satisfaction page's chart: the satisfied rate with its 95 % interval, per period (one
// line per group, the largest groups) or per group when there is one period. Words and rows
// come from the page's JSON blocks; small samples are drawn grey.
(function () {
  "use strict";
  const canvas = document.getElementById("chart-satisfied");
  if (!canvas || !window.Chart) return;
  const W = JSON.parse(document.getElementById("satisfaction-words").textContent);
  const rows = JSON.parse(document.getElementById("satisfaction-rows").textContent);
  const GREY = "rgb(176, 176, 176)";
  const COLORS = ["rgb(46, 125, 50)", "rgb(25, 118, 210)", "rgb(239, 108, 0)", "rgb(123, 31, 162)", "rgb(0, 121, 107)", "rgb(198, 40, 40)", "rgb(93, 64, 55)", "rgb(96, 125, 139)"];
  const pct = (v) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);
  const fill = (template, values) =>
    template.replace(/%\((\w+)\)s/g, (m, key) => (key in values ? String(values[key]) : m));
  const period = (r) => (r.first && r.last ? fill(W.range, r) : r.period);
  const group = (code) => {
    if (code === W.unmatched) return W.unmatched_label;
    const name = W.agent_names[code];
    return name ? fill(W.agent_name, { name, code }) : code;
  };
  const periods = [...new Set(rows.map(period))].sort();
  const options = {
    animation: false, maintainAspectRatio: false,
    scales: { y: { min: 0, max: 100, title: { display: true, text: W.satisfied_pct } } },
    plugins: {
      tooltip: {
        callbacks: {
          afterLabel: (c) => {
            const r = c.raw && c.raw.row;
            if (!r) return "";
            const interval = `${W.low} ${pct(r.satisfied_rate_low)}% · ${W.high} ${pct(r.satisfied_rate_high)}%`;
            return `${interval} · ${W.responses} ${r.responses}${r.small_sample ? ` · ${W.small}` : ""}`;
          },
        },
      },
    },
  };
  if (!rows.length) return;
  if (periods.length === 1) {
    // one period: a bar per group (slim when few), grey where the sample is small
    const shown = rows.filter((r) => r.satisfied_rate !== null).slice(0, 40);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: shown.map((r) => group(r.group)),
        datasets: [{
          label: `${W.satisfied_pct} · ${periods[0]}`,
          data: shown.map((r) => ({ x: group(r.group), y: pct(r.satisfied_rate), row: r })),
          backgroundColor: shown.map((r) => (r.small_sample ? GREY : COLORS[0])),
          maxBarThickness: 48,
        }],
      },
      options,
    });
    return;
  }
  // several periods: a line with points per group, the groups with most responses first
  const totals = new Map();
  for (const r of rows) totals.set(r.group, (totals.get(r.group) || 0) + r.responses);
  const groups = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, COLORS.length).map(([g]) => g);
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: periods,
      datasets: groups.map((g, i) => {
        const mine = new Map(rows.filter((r) => r.group === g).map((r) => [period(r), r]));
        const points = periods.map((p) => mine.get(p));
        return {
          label: group(g),
          data: points.map((r, k) => ({ x: periods[k], y: r ? pct(r.satisfied_rate) : null, row: r })),
          borderColor: COLORS[i], backgroundColor: COLORS[i], spanGaps: true, pointRadius: 4,
          pointBackgroundColor: points.map((r) => (r && r.small_sample ? GREY : COLORS[i])),
        };
      }),
    },
    options,
  });
})();
