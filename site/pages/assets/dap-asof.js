/* The «Стан на» control of the aggregate pages: any quarter end of the programme.
 *
 * The page carries its latest figures in HTML; every figure that describes a state is marked
 * with what it shows (builder/site/asof.py): `data-k` on a figures block, a status chart or a
 * table row, `data-cols` on a table (the field of each column), `data-c` on a chart of
 * timeliness by quarter, `data-t` on a table whose rows change with the date, `data-latest` on
 * a part that shows the latest state only. The figures at every quarter end are in the page's
 * own small data file (assets/data/asof/PAGE.js), loaded only when a reader picks another date.
 * The choice is kept in the URL as `asof=YYYY-MM-DD` (neither Material's `q` nor one of the
 * filter's parameters); links to other aggregate pages carry it. On the programme page the
 * filter follows too (every measure's state at every snapshot: programme-history.js), and the
 * filter's trend chart follows the filter. Text from data is inserted with textContent only.
 *
 * dap.js loads this file on pages that have the control and calls DAP_ASOF_SETUP(box, api),
 * api = { load(src), draw(chartBox), plural(n, one, few, many), pct(part, whole) }.
 */
(function () {
  "use strict";

  var DENOMINATOR = { pct_done: "total", pct_done_due: "due", pct_on_time: "reports_due" };
  var STATE_CHARS = "abcdefghijklmnopqrstuvwx";  /* status × 4 + due × 2 + overdue; «-»: out */
  var LABEL_CHARS = "0123456789";

  /* The words in this edition's language: assets/data/dap-text.js (dap build, issue 21). */
  var T = window.DAP_T || function (id) { return id; };
  var P = window.DAP_P || function (id, n) { return n + " " + id; };
  var DECIMAL = (window.DAP_TEXT || {}).decimal || ",";
  var AGGREGATE_PAGE = /^(?:index|programme|timeliness|(?:directions|problems|results|executors)\/[^/]+)\.html$/;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function uaDate(iso) { return window.DAP_D ? window.DAP_D(iso) : iso.split("-").reverse().join("."); }
  function uaPct(value) { return value.toFixed(1).replace(".", DECIMAL) + "%"; }
  function uaNum(value) { return value.toFixed(2).replace(/\.?0+$/, "").replace(".", DECIMAL); }

  window.DAP_ASOF_SETUP = function (box, api) {
    if (box.dataset.asofReady) return;
    box.dataset.asofReady = "1";
    var select = box.querySelector("select");
    var param = box.getAttribute("data-param") || "asof";
    var root = box.getAttribute("data-root") || "";
    var article = box.closest("article") || document.body;
    var dateText = box.querySelector(".dap-asof-date");
    var latestText = dateText ? dateText.textContent : "";
    var past = box.querySelector(".dap-asof-past");
    var note = box.querySelector(".dap-asof-note");
    var choices = Array.prototype.map.call(select.options, function (o) { return o.value; });
    var latestIso = null;
    var data = null;
    var history = null;
    var filter = null;
    var trendRows = null;
    var trendTimer = null;
    var trendBox = article.querySelector(".dap-filter-trend");

    function pageData() {
      if (data) return Promise.resolve(data);
      return api.load(box.getAttribute("data-src")).then(function () {
        data = (window.DAP_ASOF_DATA || {})[box.getAttribute("data-page")];
        latestIso = data.dates[data.dates.length - 1];
        return data;
      });
    }

    function historyData() {
      if (history) return Promise.resolve(history);
      return api.load(box.getAttribute("data-history")).then(function () {
        history = window.DAP_ASOF_DATA["programme-history"];
        return history;
      });
    }

    /* ---------------------------------------------------------------- one value */

    /* A measure's state at date d: null when out of the programme (asof.Dates.measure). */
    function measureAt(id, d) {
      var code = ((data.m[id] || [])[d]) || 0;
      if (!code) return null;
      var base = 2 * data.statuses.length;
      var rest = (code - 1) % base;
      return { status: data.statuses[Math.floor(rest / 2)], overdue: rest % 2 === 1,
               label: data.labels[Math.floor((code - 1) / base) - 1] || "" };
    }

    /* The fields of an aggregate at date d (asof.Dates.agg: one list of dates per field). */
    function value(key, d) {
      var a = (data.a || {})[key] || {};
      return function (field) { return a[field] ? a[field][d] : 0; };
    }

    function word(i) { return i >= 0 ? data.words[i] : "—"; }

    function text(name, key, d) {
      var level = key.split(":")[0];
      var id = key.slice(level.length + 1);
      var dash = name.charAt(name.length - 1) === "?";
      if (dash) name = name.slice(0, -1);
      if (name === "label") {
        var found = measureAt(id, d);
        return found && found.label ? found.label : "—";
      }
      if (name === "score" || name === "level" || name === "state") {
        var s = ((data.s || {})[id] || [])[d];
        if (!s) return "—";
        return name === "score" ? uaNum(s[0]) : word(name === "level" ? s[1] : s[2]);
      }
      if (name === "scored" || name === "mean") {
        var x = ((data.x || {})[key] || [])[d] || [0, -1];
        return name === "scored" ? String(x[0]) : (x[1] < 0 ? "—" : uaNum(x[1]));
      }
      var v = value(key, d);
      if (name === "donepartly") return v("done") + " / " + v("partly");
      if (DENOMINATOR[name]) return dash && !v(DENOMINATOR[name]) ? "—" : uaPct(v(name));
      return String(v(name));
    }

    function fillCell(td, name, key, d) {
      td.removeAttribute("data-sort");  /* sort by what is shown now */
      td.textContent = "";
      if (name === "status") {
        var ms = measureAt(key.slice(8), d);
        if (!ms) { td.textContent = "—"; return; }
        td.appendChild(el("span", { "class": "dap-status", "data-status": ms.status }, ms.status));
        if (ms.overdue) {
          td.appendChild(document.createTextNode(" "));
          td.appendChild(el("span", { "class": "dap-overdue" }, T("overdue")));
        }
      } else if (name === "name") {
        var n = (data.n || {})[key] || [key, ""];
        td.appendChild(n[1] ? el("a", { href: n[1] }, n[0]) : document.createTextNode(n[0]));
      } else if (name === "title") {
        td.textContent = ((data.n || {})[key] || ["", "", ""])[2];
      } else {
        td.textContent = text(name, key, d);
      }
    }

    /* ---------------------------------------------------------------- the page at date d */

    function figures(node, key, d) {
      var v = value(key, d);
      var total = v("total"), due = v("due"), overdue = v("overdue"), owed = v("reports_due");
      var boxes = [  /* markup.figures() */
        [String(total), P("measure in all", total)],
        [v("done") + " / " + v("partly"), T("implemented in full / in part")],
        [total ? uaPct(v("pct_done")) : "—", T("% implemented (of all measures)")],
        [due ? uaPct(v("pct_done_due")) : "—", P("% implemented (of {n} measure due)", due)],
        [String(overdue), P("overdue measure", overdue)],
        [owed ? uaPct(v("pct_on_time")) : "—", P("reports submitted on time (of {n} owed)", owed)]
      ];
      node.querySelectorAll(".dap-figure-box").forEach(function (fig, i) {
        if (!boxes[i]) return;
        fig.querySelector(".dap-number").textContent = boxes[i][0];
        fig.querySelector(".dap-caption").textContent = boxes[i][1];
      });
    }

    function redraw(chartBox, labels, series) {
      var chart = chartBox.querySelector(".dap-chart[data-chart]");
      if (!chart) return;
      var spec = JSON.parse(chart.getAttribute("data-chart"));
      spec.labels = labels;
      spec.series.forEach(function (s, i) { s.values = series[i]; });
      chart.setAttribute("data-chart", JSON.stringify(spec));
      chart.dataset.drawn = "1";
      api.draw(chart);
      var body = chartBox.querySelector("tbody");
      if (!body) return;
      body.textContent = "";
      labels.forEach(function (label, i) {
        var tr = el("tr");
        tr.appendChild(el("td", {}, label));
        series.forEach(function (values) {
          tr.appendChild(el("td", {}, spec.suffix === "%" ? uaPct(values[i]) : String(values[i])));
        });
        body.appendChild(tr);
      });
    }

    function statusChart(node, key, d) {
      var counts = value(key, d)("counts") || [];
      redraw(node, data.statuses, [data.statuses.map(function (_, i) { return counts[i] || 0; })]);
    }

    function rowsTable(table, d) {
      var cols = table.getAttribute("data-cols").split(",");
      var keys = data.t[table.getAttribute("data-t")][d];
      var body = table.tBodies[0];
      body.textContent = "";
      keys.forEach(function (key) {
        var tr = el("tr", { "data-k": key });
        cols.forEach(function (name) { var td = el("td"); fillCell(td, name, key, d); tr.appendChild(td); });
        body.appendChild(tr);
      });
      if (!keys.length) {
        var tr = el("tr");
        tr.appendChild(el("td", { colspan: String(cols.length) }, T("No data.")));
        body.appendChild(tr);
      }
    }

    function keyedTable(table, d) {
      var cols = table.getAttribute("data-cols").split(",");
      Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
        var key = tr.getAttribute("data-k");
        if (!key) return;
        cols.forEach(function (name, i) {
          if (name && tr.cells[i]) fillCell(tr.cells[i], name, key, d);
        });
      });
    }

    function latestOnly(part, isPast) {
      var prev = part.previousElementSibling;
      var hasNote = prev && prev.classList.contains("dap-asof-latest-note");
      part.hidden = isPast;
      if (isPast && !hasNote) {
        var p = el("p", { "class": "dap-asof-latest-note" },
          T("This section shows only the latest state. The data at the end of each quarter " +
            "is in the archives "));
        p.appendChild(el("a", { href: root + "downloads.html" }, T("on the page «Download data»")));
        p.appendChild(document.createTextNode("."));
        part.parentNode.insertBefore(p, part);
      } else if (!isPast && hasNote) {
        prev.remove();
      }
    }

    /* Links to the other aggregate pages carry the date (Material's instant navigation makes
       every link absolute, so they are compared as URLs below the site's root). */
    function links(iso) {
      var base;
      try { base = new URL(root || "./", window.location.href); } catch (err) { return; }
      article.querySelectorAll("a[href]").forEach(function (link) {
        var url;
        try { url = new URL(link.getAttribute("href"), window.location.href); } catch (err) { return; }
        if (url.origin !== base.origin || url.pathname.indexOf(base.pathname) !== 0) return;
        if (!AGGREGATE_PAGE.test(url.pathname.slice(base.pathname.length))) return;
        if (iso) url.searchParams.set(param, iso); else url.searchParams.delete(param);
        link.setAttribute("href", url.href);
      });
    }

    function show(iso) {
      var d = data.dates.indexOf(iso || latestIso);
      var isPast = d !== data.dates.length - 1;
      article.querySelectorAll(".dap-figures[data-k]").forEach(function (node) {
        figures(node, node.getAttribute("data-k"), d);
      });
      article.querySelectorAll(".dap-chart-box[data-k]").forEach(function (node) {
        statusChart(node, node.getAttribute("data-k"), d);
      });
      article.querySelectorAll(".dap-chart-box[data-c]").forEach(function (node) {
        var c = data.c[node.getAttribute("data-c")][d];
        redraw(node, c[0], c[1]);
      });
      article.querySelectorAll("table[data-t]").forEach(function (table) { rowsTable(table, d); });
      article.querySelectorAll("table[data-cols]:not([data-t])").forEach(function (table) {
        keyedTable(table, d);
      });
      article.querySelectorAll("span[data-k^='score:']").forEach(function (span) {
        var s = ((data.s || {})[span.getAttribute("data-k").slice(6)] || [])[d];
        span.textContent = s ? " — " + uaNum(s[0]) + " (" + word(s[1]) + ")" : "";
      });
      article.querySelectorAll("[data-latest]").forEach(function (part) { latestOnly(part, isPast); });
      if (dateText) dateText.textContent = isPast ? uaDate(iso) : latestText;
      past.textContent = "";
      past.hidden = !isPast;
      if (isPast) {
        past.appendChild(document.createTextNode(T("You are looking at a past state — as of " +
          "{date}, not the latest (as of {latest}). ", { date: uaDate(iso), latest: latestText })));
        var back = el("button", { type: "button", "class": "dap-button dap-asof-back" },
                      T("Show the latest state"));
        back.addEventListener("click", function () { choose(""); });
        past.appendChild(back);
      }
      box.classList.toggle("dap-asof-is-past", isPast);
      links(isPast ? iso : "");
      if (filter) showFilter(iso, isPast);
    }

    /* ---------------------------------------------------------------- the programme filter */

    function filterRows(iso, isPast) {
      var fd = filter.data;
      if (!fd.latestRows) fd.latestRows = fd.measures;
      if (!isPast) return Promise.resolve([fd.latestRows, latestIso]);
      return historyData().then(function (h) {
        var d = h.dates.indexOf(iso);
        var rows = [];
        fd.latestRows.concat(h.extra).forEach(function (row) {
          var codes = h.states[row[0]];
          if (!codes || codes[0].charAt(d) === "-") return;
          var value = STATE_CHARS.indexOf(codes[0].charAt(d));
          var label = LABEL_CHARS.indexOf(codes[1].charAt(d));
          var copy = row.slice();
          copy[7] = fd.statuses[Math.floor(value / 4)];
          copy[8] = label >= 0 ? h.labels[label] : "";
          copy[11] = value % 2;
          copy[13] = Math.floor(value / 2) % 2;
          rows.push(copy);
        });
        return [rows, iso];
      });
    }

    function showFilter(iso, isPast) {
      filterRows(iso, isPast).then(function (found) {
        filter.setMeasures(found[0], found[1]);
      });
    }

    /* The filter's trend: % done of the measures it selects, at the end of each quarter up to
       the date shown (the home page's trend, for the filtered set). */
    function drawTrend() {
      if (!trendBox || !trendRows) return;
      var rows = trendRows;
      historyData().then(function (h) {
        var statuses = filter.data.statuses;
        var done = {};
        (filter.data.done_statuses || []).forEach(function (s) { done[statuses.indexOf(s)] = true; });
        var last = h.dates.indexOf(filter.data.as_of);
        if (last < 0) last = h.dates.length - 1;
        var all = [], ofDue = [];
        for (var d = 0; d <= last; d++) {
          var total = 0, finished = 0, due = 0, doneDue = 0;
          rows.forEach(function (m) {
            var codes = h.states[m.id];
            var c = codes ? codes[0].charAt(d) : "-";
            if (c === "-") return;
            var value = STATE_CHARS.indexOf(c);
            var isDone = done[Math.floor(value / 4)] === true;
            total += 1;
            if (isDone) finished += 1;
            if (Math.floor(value / 2) % 2) { due += 1; if (isDone) doneDue += 1; }
          });
          all.push(api.pct(finished, total));
          ofDue.push(api.pct(doneDue, due));
        }
        trendBox.setAttribute("data-chart", JSON.stringify({
          kind: "line", labels: h.names.slice(0, last + 1), suffix: "%", value_title: T("% implemented"),
          max: 100, series: [
            { name: T("of all selected measures"), values: all, color: "#3949ab" },
            { name: T("of those due"), values: ofDue, color: "#2e7d32" }]
        }));
        trendBox.dataset.drawn = "1";
        trendBox.hidden = false;
        api.draw(trendBox);
      });
    }

    function watchTrend() {
      if (!trendBox) return;
      var visible = !window.IntersectionObserver;
      function schedule() {
        window.clearTimeout(trendTimer);
        if (visible) trendTimer = window.setTimeout(drawTrend, 200);
      }
      filter.onRender = function (rows) { trendRows = rows; schedule(); };
      trendRows = filter.rows();
      if (visible) {
        schedule();
      } else {
        new IntersectionObserver(function (entries, observer) {
          if (!entries.some(function (e) { return e.isIntersecting; })) return;
          observer.disconnect();
          visible = true;
          schedule();
        }, { rootMargin: "200px" }).observe(trendBox);
      }
    }

    /* ---------------------------------------------------------------- the URL */

    function writeUrl(iso) {
      var params = new URLSearchParams(window.location.search);
      if (iso) params.set(param, iso); else params.delete(param);
      var query = params.toString();
      window.history.replaceState(window.history.state, "",
        window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }

    function choose(iso) {
      select.value = iso;
      writeUrl(iso);
      pageData().then(function () { show(iso); }).catch(function () {
        note.hidden = false;
        note.textContent = T("The data for this date could not be loaded. Try reloading the page.");
      });
    }

    select.addEventListener("change", function () {
      note.hidden = true;
      choose(select.value);
    });

    var filterBox = article.querySelector("#dap-filter");
    function start() {
      var params = new URLSearchParams(window.location.search);
      var wanted = params.get(param);
      if (wanted !== null) {
        if (wanted && choices.indexOf(wanted) > 0) {
          choose(wanted);
        } else {
          select.value = "";
          writeUrl("");
          note.hidden = false;
          note.textContent = T("The link has a wrong or unknown date of the state (parameter " +
            "{param}): the latest state is shown. A date can be chosen below.", { param: param });
          if (wanted === "") note.hidden = true;
        }
      }
    }
    if (filterBox) {
      var ready = function () {
        filter = filterBox.dapFilter;
        watchTrend();
        start();
      };
      if (filterBox.dapFilter) ready(); else filterBox.addEventListener("dap-filter-ready", ready);
    } else {
      start();
    }
  };
})();
