// Managers' dashboard: fetch each chart's JSON for the filters in the URL, draw it with
// Chart.js, render the league tables with drill-down links, and compose a PNG snapshot.
(function () {
  "use strict";
  const root = document.getElementById("dashboard");
  const query = window.location.search;
  const params = new URLSearchParams(query);
  const charts = [];
  const pct = (v) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);
  const fmt = (v, digits = 1) => (v === null || v === undefined ? "" : Number(v).toFixed(digits));

  function get(name) {
    return fetch(root.dataset.api + name + query, { credentials: "same-origin" }).then((r) => {
      if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
      return r.json();
    });
  }

  function chart(id, config) {
    if (!window.Chart) return;
    config.options = Object.assign({ animation: false, maintainAspectRatio: true }, config.options);
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

  function table(id, columns, rows, link) {
    const el = document.getElementById(id);
    el.textContent = "";
    const head = el.createTHead().insertRow();
    for (const [, label] of columns) head.appendChild(document.createElement("th")).textContent = label;
    const body = el.createTBody();
    if (!rows.length) body.insertRow().insertCell().textContent = "无数据";
    for (const row of rows) {
      const tr = body.insertRow();
      for (const [key, , kind] of columns) {
        const td = tr.insertCell();
        const v = row[key];
        if (kind === "reason") {
          const a = document.createElement("a");
          a.href = drill("reason", row.reason);
          a.textContent = v;
          td.appendChild(a);
        } else if (link && key === link) {
          const a = document.createElement("a");
          a.href = drill(link, v);
          a.textContent = v;
          td.appendChild(a);
        } else if (kind === "pct") td.textContent = v === null || v === undefined ? "" : `${pct(v)}%`;
        else if (kind === "num") td.textContent = fmt(v);
        else if (kind === "p") td.textContent = v === null || v === undefined ? "" : Number(v).toPrecision(2);
        else td.textContent = v === null || v === undefined ? "" : v;
      }
    }
  }

  const league = (key, label) => [
    ["rank", "#"],
    [key, label],
    ...(key === "agent" ? [["team", "班组"]] : []),
    ["calls", "通话数"],
    ["qa_mean", "质检均分", "num"],
    ["fatal", "致命项"],
    ["fatal_rate", "致命率", "pct"],
    ["complaint_risk", "投诉风险"],
    ["churn_risk", "离网风险"],
    ["responses", "参评数"],
    ["satisfied_rate", "满意率", "pct"],
    ["satisfied_rate_low", "下限", "pct"],
    ["satisfied_rate_high", "上限", "pct"],
    ["nps", "NPS", "num"],
    ["small_sample", "样本不足"],
  ];

  function kpi(label, value) {
    const div = document.createElement("div");
    div.append(label);
    const strong = document.createElement("strong");
    strong.textContent = value;
    div.prepend(strong);
    document.getElementById("kpis").appendChild(div);
  }

  const band = (label, color, values, low, high, axis) => [
    { label, data: values, borderColor: color, backgroundColor: color, yAxisID: axis, spanGaps: true },
    { label: `${label} 下限`, data: low, borderWidth: 0, pointRadius: 0, yAxisID: axis, fill: false },
    {
      label: `${label} 上限`, data: high, borderWidth: 0, pointRadius: 0, yAxisID: axis,
      fill: "-1", backgroundColor: color.replace("rgb", "rgba").replace(")", ", 0.15)"),
    },
  ];
  const hideBands = { labels: { filter: (item) => !/下限|上限/.test(item.text) } };

  const loads = [
    get("qa").then((d) => {
      const asOf = new Date(d.as_of).toLocaleString();
      document.getElementById("as-of").textContent = `数据截至 ${asOf}${d.refreshing ? "（正在更新）" : ""}`;
      kpi("通话（已质检）", d.calls);
      kpi("质检均分", fmt(d.mean_score));
      kpi("致命项通话", d.fatal);
      chart("chart-distribution", {
        type: "bar",
        data: { labels: d.distribution.bins, datasets: [{ label: "通话数", data: d.distribution.counts, backgroundColor: "rgb(25, 118, 210)" }] },
      });
      chart("chart-qa-trend", {
        data: {
          labels: d.trend.map((r) => r.period),
          datasets: [
            { type: "line", label: "质检均分", data: d.trend.map((r) => r.mean_score), borderColor: "rgb(25, 118, 210)", yAxisID: "y" },
            { type: "bar", label: "致命项通话", data: d.trend.map((r) => r.fatal), backgroundColor: "rgb(198, 40, 40)", yAxisID: "y1" },
          ],
        },
        options: { scales: { y: { min: 0, max: 100 }, y1: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } } } },
      });
    }),
    get("items").then((d) => {
      chart("chart-items", {
        type: "bar",
        data: { labels: d.rows.map((r) => r.title), datasets: [{ label: "不合格率 %", data: d.rows.map((r) => pct(r.failed_rate)), backgroundColor: "rgb(239, 108, 0)" }] },
        options: { indexAxis: "y" },
      });
    }),
    get("satisfaction").then((d) => {
      const o = d.overall;
      kpi("满意率", o && o.satisfied_rate !== null ? `${pct(o.satisfied_rate)}%` : "–");
      kpi("NPS", o && o.nps !== null ? fmt(o.nps) : "–");
      const t = d.trend;
      chart("chart-satisfaction", {
        type: "line",
        data: {
          labels: t.map((r) => r.period),
          datasets: [
            ...band("满意率 %", "rgb(46, 125, 50)", t.map((r) => pct(r.satisfied_rate)), t.map((r) => pct(r.satisfied_rate_low)), t.map((r) => pct(r.satisfied_rate_high)), "y"),
            { label: "CSAT %", data: t.map((r) => pct(r.csat_top2)), borderColor: "rgb(123, 31, 162)", yAxisID: "y", spanGaps: true },
            ...band("NPS", "rgb(2, 136, 209)", t.map((r) => r.nps), t.map((r) => r.nps_low), t.map((r) => r.nps_high), "y1"),
          ],
        },
        options: {
          plugins: { legend: hideBands },
          scales: { y: { min: 0, max: 100 }, y1: { position: "right", min: -100, max: 100, grid: { drawOnChartArea: false } } },
        },
      });
    }),
    get("agents").then((d) => {
      table("agents-table", league("agent", "坐席"), d.rows, "agent");
      document.getElementById("agents-rho").textContent =
        d.spearman === null ? "" : `Spearman ρ = ${fmt(d.spearman, 2)} (p = ${Number(d.spearman_p).toPrecision(2)})`;
      const points = d.rows.filter((r) => r.satisfied_rate !== null);
      chart("chart-agents", {
        type: "scatter",
        data: { datasets: [{ label: "坐席", data: points.map((r) => ({ x: r.qa_mean, y: pct(r.satisfied_rate), agent: r.agent, n: r.responses })), backgroundColor: "rgb(25, 118, 210)" }] },
        options: {
          scales: { x: { title: { display: true, text: "质检均分" } }, y: { title: { display: true, text: "满意率 %" } } },
          plugins: { tooltip: { callbacks: { label: (c) => `${c.raw.agent}: 质检 ${fmt(c.raw.x)} · 满意率 ${c.raw.y}% (n=${c.raw.n})` } } },
          onClick: (event, elements) => {
            if (elements.length) window.location.href = drill("agent", points[elements[0].index].agent);
          },
        },
      });
    }),
    get("teams").then((d) => table("teams-table", league("team", "班组"), d.rows, "team")),
    get("correlation").then((d) => {
      table("correlation-table", [
        ["title", "质检项"], ["n", "样本数"], ["failed", "不合格数"],
        ["dissatisfied_if_failed", "不合格时不满意率", "pct"], ["dissatisfied_if_passed", "合格时不满意率", "pct"],
        ["point_biserial", "r", "num"], ["point_biserial_p", "p", "p"], ["spearman", "ρ", "num"],
      ], d.rows);
      const rows = d.rows.filter((r) => r.failed > 0).slice(0, 10);
      chart("chart-correlation", {
        type: "bar",
        data: {
          labels: rows.map((r) => r.title),
          datasets: [
            { label: "不合格时不满意率 %", data: rows.map((r) => pct(r.dissatisfied_if_failed)), backgroundColor: "rgb(198, 40, 40)" },
            { label: "合格时不满意率 %", data: rows.map((r) => pct(r.dissatisfied_if_passed)), backgroundColor: "rgb(120, 144, 156)" },
          ],
        },
        options: { indexAxis: "y" },
      });
    }),
    get("flags").then((d) => {
      const colors = ["rgb(198, 40, 40)", "rgb(239, 108, 0)", "rgb(123, 31, 162)", "rgb(2, 136, 209)", "rgb(85, 139, 47)", "rgb(93, 64, 55)"];
      chart("chart-flags", {
        type: "line",
        data: {
          labels: d.trend.map((r) => r.period),
          datasets: d.flags.map((f, i) => ({ label: f, data: d.trend.map((r) => (r.calls ? Math.round((r[f] / r.calls) * 1000) / 10 : null)), borderColor: colors[i % colors.length] })),
        },
        options: { scales: { y: { beginAtZero: true } } },
      });
    }),
    get("reasons").then((d) => {
      table("reasons-table", [["label", "来电原因", "reason"], ["calls", "通话数"], ["share", "占比", "pct"]], d.reasons);
      chart("chart-reasons", {
        type: "bar",
        data: { labels: d.reasons.map((r) => r.label), datasets: [{ label: "通话数", data: d.reasons.map((r) => r.calls), backgroundColor: "rgb(0, 121, 107)" }] },
        options: { indexAxis: "y" },
      });
      const colors = ["rgb(198, 40, 40)", "rgb(239, 108, 0)", "rgb(249, 168, 37)", "rgb(46, 125, 50)", "rgb(0, 121, 107)", "rgb(2, 136, 209)", "rgb(40, 53, 147)", "rgb(123, 31, 162)", "rgb(173, 20, 87)", "rgb(93, 64, 55)", "rgb(96, 125, 139)"];
      chart("chart-reason-trend", {
        type: "line",
        data: {
          labels: d.trend.map((r) => r.period),
          datasets: Object.entries(d.labels).map(([code, label], i) => ({ label, data: d.trend.map((r) => r[code]), borderColor: colors[i % colors.length] })),
        },
        options: { scales: { y: { beginAtZero: true } } },
      });
    }),
    get("reason_satisfaction").then((d) => {
      table("reason-satisfaction-table", [
        ["label", "来电原因", "reason"], ["responses", "参评数"],
        ["satisfied_rate", "满意率", "pct"], ["satisfied_rate_low", "下限", "pct"], ["satisfied_rate_high", "上限", "pct"],
        ["dissatisfied_rate", "不满意率", "pct"], ["dissatisfied_rate_low", "下限", "pct"], ["dissatisfied_rate_high", "上限", "pct"],
        ["small_sample", "样本不足"],
      ], d.rows);
      chart("chart-reason-satisfaction", {
        type: "line",
        data: {
          labels: d.rows.map((r) => r.label),
          // categories, not a series: points with their interval band, no joining line
          datasets: band("满意率 %", "rgb(46, 125, 50)", d.rows.map((r) => pct(r.satisfied_rate)), d.rows.map((r) => pct(r.satisfied_rate_low)), d.rows.map((r) => pct(r.satisfied_rate_high)), "y")
            .map((set, i) => (i === 0 ? Object.assign(set, { showLine: false, pointRadius: 5 }) : set)),
        },
        options: { plugins: { legend: hideBands }, scales: { y: { min: 0, max: 100 } } },
      });
    }),
    get("reason_qa").then((d) => {
      table("reason-qa-table", [
        ["label", "来电原因", "reason"], ["calls", "通话数"], ["qa_mean", "质检均分", "num"],
        ["fatal_rate", "致命率", "pct"], ["top_failed", "高频扣分项（不合格率）"],
      ], d.rows);
    }),
    get("emerging").then((d) => {
      const list = document.getElementById("emerging-list");
      list.textContent = "";
      document.getElementById("emerging-note").textContent = `最近一${d.period === "day" ? "天" : "周"}对比此前四周`;
      if (!d.alerts.length) list.appendChild(document.createElement("li")).textContent = "无显著上升";
      for (const a of d.alerts) {
        const li = list.appendChild(document.createElement("li"));
        li.appendChild(document.createElement("strong")).textContent = `${a.kind === "reason" ? "来电原因" : "热词"}「${a.label}」`;
        li.append(` 自 ${a.since} 起 ${a.recent} 通（共 ${a.recent_calls} 通），按基线期望 ${a.expected} 通，${a.ratio} 倍，p = ${Number(a.p_value).toPrecision(2)}`);
        if (a.phrases.length) li.append(`；相关热词：${a.phrases.join("、")}`);
        li.append("；示例：");
        for (const e of a.examples) {
          const link = li.appendChild(document.createElement("a"));
          link.href = root.dataset.call.replace(/0$/, String(e.pk));
          link.textContent = e.call_id;
          li.append(" ");
        }
      }
    }),
    get("fcr").then((d) => {
      const o = d.overall;
      kpi(`一次解决率（${d.window_days} 天）`, o ? `${pct(o.fcr)}%` : "–");
      document.getElementById("fcr-note").textContent = `同一客户 ${d.window_days} 天内因同一原因再次来电即未一次解决`;
      const cols = [["contacts", "首次来电数"], ["repeats", "重复来电"], ["fcr", "一次解决率", "pct"], ["fcr_low", "下限", "pct"], ["fcr_high", "上限", "pct"], ["small_sample", "样本不足"]];
      table("fcr-reasons-table", [["label", "来电原因", "reason"], ...cols], d.reason);
      table("fcr-agents-table", [["agent", "坐席"], ...cols], d.agent, "agent");
      table("fcr-teams-table", [["team", "班组"], ...cols], d.team, "team");
    }),
  ];

  Promise.all(loads)
    .catch((err) => {
      const el = document.getElementById("dashboard-error");
      el.hidden = false;
      el.textContent = `数据加载失败: ${err.message}`;
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
    g.fillText("Hotline Inspector 管理看板", 20, 40);
    g.font = "16px sans-serif";
    const filters = [...params].filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join("  ") || "全部";
    g.fillText(`筛选: ${filters}    生成: ${new Date().toLocaleString()}`, 20, 68);
    const figures = [...document.querySelectorAll("#kpis div")].map((d) => d.innerText.replace("\n", " ")).join("   ");
    g.fillText(figures, 20, 94);
    charts.forEach(({ id, chart: c }, i) => {
      const x = 20 + (i % columns) * cell.w;
      const y = head + Math.floor(i / columns) * cell.h;
      g.font = "bold 16px sans-serif";
      g.fillText(document.getElementById(id).previousElementSibling.innerText, x, y + 18);
      const src = c.canvas;
      const scale = Math.min((cell.w - 20) / src.width, (cell.h - 40) / src.height);
      g.drawImage(src, x, y + 28, src.width * scale, src.height * scale);
    });
    canvas.toBlob((blob) => {
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = `dashboard-${new Date().toISOString().slice(0, 10)}.png`;
      document.body.appendChild(a);
      a.click();
      a.remove();
    }, "image/png");
  });
})();
