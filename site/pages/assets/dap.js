/* The site's one script: charts from JSON, sortable tables and the measure filter.
 *
 * It runs on every page view, including Material's instant navigation (which swaps the page
 * content without re-running inline scripts): it subscribes to Material's `document$` and
 * falls back to DOMContentLoaded when instant navigation is off. Text from data is only ever
 * inserted with textContent, never as HTML. Everything it loads comes from the site itself.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var ASSETS = script ? script.src.replace(/[^/]*$/, "") : "assets/";
  var loaded = {};

  /* The words in this edition's language: assets/data/dap-text.js (dap build, issue 21). */
  var T = window.DAP_T || function (id) { return id; };
  var P = window.DAP_P || function (id, n) { return n + " " + id; };
  var DECIMAL = (window.DAP_TEXT || {}).decimal || ",";

  function load(src) {
    if (!loaded[src]) {
      loaded[src] = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = src;
        tag.onload = resolve;
        tag.onerror = function () { reject(new Error("cannot load " + src)); };
        document.head.appendChild(tag);
      });
    }
    return loaded[src];
  }

  function loadPlotly() {
    return load(ASSETS + "vendor/plotly-basic.min.js").then(function () {
      return load(ASSETS + "vendor/plotly-locale-uk.js");
    });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function number(value) {
    return String(value).replace(".", DECIMAL);
  }

  /* ------------------------------------------------------------------ charts */

  function drawChart(box) {
    var spec;
    try {
      spec = JSON.parse(box.getAttribute("data-chart"));
    } catch (err) {
      return;
    }
    var traces = spec.series.map(function (s) {
      if (spec.kind === "pie") {
        return { type: "pie", labels: spec.labels, values: s.values, name: s.name, sort: false,
                 marker: { colors: s.colors }, textinfo: "value+percent", hole: 0.45 };
      }
      var horizontal = spec.kind === "hbar";
      var trace = {
        type: spec.kind === "line" ? "scatter" : "bar",
        mode: spec.kind === "line" ? "lines+markers" : undefined,
        name: s.name,
        x: horizontal ? s.values : spec.labels,
        y: horizontal ? spec.labels : s.values,
        orientation: horizontal ? "h" : "v",
        marker: { color: s.colors || s.color },
        hovertemplate: "%{" + (horizontal ? "y" : "x") + "}: %{" + (horizontal ? "x" : "y") + "}" +
          (spec.suffix || "") + "<extra>" + (spec.series.length > 1 ? "%{fullData.name}" : "") + "</extra>"
      };
      if (spec.kind !== "line") {
        trace.text = s.values.map(function (v) { return number(v) + (spec.suffix || ""); });
        trace.textposition = "auto";
      }
      return trace;
    });
    var valueAxis = { title: { text: spec.value_title || "" }, rangemode: "tozero",
                      range: spec.max ? [0, spec.max] : undefined, ticksuffix: spec.suffix || "",
                      automargin: true };
    if (!spec.suffix) {  /* counts: whole numbers only on the axis */
      var most = 0;
      spec.labels.forEach(function (_, i) {
        var values = spec.series.map(function (s) { return s.values[i]; });
        var top = spec.stacked ? values.reduce(function (a, b) { return a + b; }, 0)
                               : Math.max.apply(null, values);
        most = Math.max(most, top);
      });
      valueAxis.tickformat = "d";
      if (most <= 10) valueAxis.dtick = 1;
    }
    var labelAxis = { automargin: true, type: "category" };
    var horizontal = spec.kind === "hbar";
    var layout = {
      separators: ", ",
      margin: { t: spec.series.length > 1 ? 40 : 10, r: 10, b: 40, l: 10 },
      height: spec.height || (horizontal ? Math.max(200, 40 * spec.labels.length + 60) : 320),
      showlegend: spec.series.length > 1 || spec.kind === "pie",
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", traceorder: "normal" },
      barmode: spec.stacked ? "stack" : "group",
      xaxis: horizontal ? valueAxis : labelAxis,
      yaxis: horizontal ? Object.assign({}, labelAxis, { autorange: "reversed" }) : valueAxis,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { family: "inherit" }
    };
    window.Plotly.newPlot(box, traces, layout, {
      locale: (window.DAP_TEXT || {}).lang === "en" ? "en" : "uk", displayModeBar: false, responsive: true, displaylogo: false
    });
  }

  /* Charts are drawn only when they come near the screen: plotly.js (1.2 MB, seconds of a
     phone's processor) is loaded the first time one does, after the page is shown, and a page
     whose charts stay below the fold never loads it. Each chart is drawn in a task of its
     own, so that a page with several never blocks the reader for the time of all of them.
     The box keeps the chart's final height from the start (markup.chart's placeholder), so
     nothing below it moves when it is drawn. */
  var chartQueue = [];
  var drawTimer = null;

  function drawQueued() {
    drawTimer = null;
    var box = chartQueue.shift();
    if (box && box.isConnected) drawChart(box);
    if (chartQueue.length) drawTimer = window.setTimeout(drawQueued, 0);
  }

  function drawSoon(box) {
    if (box.dataset.drawn) return;
    box.dataset.drawn = "1";
    loadPlotly().then(function () {
      chartQueue.push(box);
      if (!drawTimer) drawTimer = window.setTimeout(drawQueued, 0);
    }).catch(function () { /* the numbers are in the table beside each chart */ });
  }

  /* Call `show(box)` once when the box first comes within a screen's half of the viewport
     (at once where the browser cannot tell). */
  var watchers = [];
  function whenNear(box, show) {
    if (!window.IntersectionObserver) { show(box); return; }
    var watch = new IntersectionObserver(function (seen) {
      if (!seen.some(function (e) { return e.isIntersecting; })) return;
      watch.disconnect();
      show(box);
    }, { rootMargin: "50% 0px" });
    watch.observe(box);
    watchers.push(watch);
  }

  function initCharts(root) {
    /* After Material's instant navigation the old page's boxes are gone: stop watching them. */
    watchers.forEach(function (watch) { watch.disconnect(); });
    watchers = [];
    root.querySelectorAll(".dap-chart[data-chart]").forEach(function (box) {
      if (!box.dataset.drawn) whenNear(box, drawSoon);
    });
  }

  /* ------------------------------------------------------------------ sortable tables */

  function cellValue(cell) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) raw = cell.textContent.trim();
    var num = raw.replace(/\s/g, "").replace(",", ".").replace(/%$/, "");
    return num !== "" && !isNaN(Number(num)) ? Number(num) : raw.toLowerCase();
  }

  /* The word form for a count by the Ukrainian rule (the browser's CLDR plural rules; the
   * server's twin is wording.uk_plural): 1, 21 → one; 2–4, 22–24 → few; else → many. */
  var PLURAL = window.Intl && Intl.PluralRules ? new Intl.PluralRules("uk") : null;
  function ukPlural(n, one, few, many) {
    var form = PLURAL ? PLURAL.select(n) : (n % 10 === 1 && n % 100 !== 11 ? "one" : "many");
    return form === "one" ? one : form === "few" ? few : many;
  }

  /* One collator for every comparison: localeCompare with a locale builds one per call, and
     the filter's lists compare thousands of times (a phone's second, measured). */
  var COLLATOR = window.Intl && Intl.Collator ? new Intl.Collator("uk", { numeric: true }) : null;
  function compare(a, b) {  /* numbers by value and before text; text in Ukrainian order */
    if (typeof a === "number" && typeof b === "number") return a - b;
    if (typeof a === "number") return -1;
    if (typeof b === "number") return 1;
    return COLLATOR ? COLLATOR.compare(String(a), String(b))
                    : String(a).localeCompare(String(b), "uk", { numeric: true });
  }

  /* Column heads that sort: each head's content in a button; a press marks the head
     (aria-sort, ascending first) and calls sortBy(column, ascending). Tables of the page and
     the paged lists (dap-rows.js) share it. */
  function sortableHeads(heads, sortBy) {
    Array.prototype.forEach.call(heads, function (th, index) {
      var button = el("button", { type: "button", "class": "dap-sort" });
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        sortBy(index, ascending);
      });
    });
  }

  function makeSortable(table) {
    if (table.dataset.sortReady) return;
    table.dataset.sortReady = "1";
    sortableHeads(table.tHead ? table.tHead.rows[0].cells : [], function (index, ascending) {
      Array.prototype.forEach.call(table.tBodies, function (body) {
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var c = compare(cellValue(r1.cells[index]), cellValue(r2.cells[index]));
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  /* A wide table scrolls sideways inside its .dap-scroll box: mark the sides that have more
     (the CSS draws a shadow there) and show a line saying the table scrolls. */
  function scrollCue(box) {
    if (box.dataset.cueReady) return;
    box.dataset.cueReady = "1";
    var hint = el("p", { "class": "dap-scroll-hint" }, T("The table is wider than the screen: scroll it sideways →"));
    hint.hidden = true;
    box.parentNode.insertBefore(hint, box);
    function update() {
      var more = box.scrollWidth - box.clientWidth;
      box.classList.toggle("dap-more-left", more > 1 && box.scrollLeft > 1);
      box.classList.toggle("dap-more-right", more > 1 && box.scrollLeft < more - 1);
      hint.hidden = more <= 1;
    }
    box.addEventListener("scroll", update, { passive: true });
    if (window.ResizeObserver) {
      /* its first call comes after the browser's own layout, before the first paint: reading
         the widths here at once would force a layout of the whole page per table */
      var watch = new ResizeObserver(update);
      watch.observe(box);
      if (box.firstElementChild) watch.observe(box.firstElementChild);
    } else {
      window.addEventListener("resize", update);
      update();
    }
  }

  function initTables(root) {
    root.querySelectorAll("table.dap-sortable").forEach(makeSortable);
    root.querySelectorAll(".dap-scroll").forEach(scrollCue);
  }

  /* ------------------------------------------------------------------ table downloads */

  /* «Завантажити таблицю (CSV)» under a table (markup.table writes the button): the rows as
     the table shows them now, in its current order, each cell's textContent — data text is
     never read as HTML — as UTF-8 CSV with a BOM (Excel reads the Cyrillic), CRLF, RFC 4180
     quoting, and a text that could start a formula prefixed with an apostrophe, as the
     open-data CSV does (opendata.formats.FORMULA_START; tests/test_table_download.py keeps
     the two lists the same). */
  var FORMULA_START = "=+-@\t\r'";

  function csvField(value) {
    var text = value === null || value === undefined ? "" : String(value);
    if (typeof value === "string" && text && FORMULA_START.indexOf(text.charAt(0)) >= 0) {
      text = "'" + text;
    }
    return /[,"\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function csvFile(records) {
    return "\ufeff" + records.map(function (r) { return r.map(csvField).join(","); })
      .join("\r\n") + "\r\n";
  }

  function saveFile(text, name) {
    var url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    var link = el("a", { href: url, download: name });
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function cellText(cell) {
    return cell.textContent.replace(/\s+/g, " ").trim();
  }

  function tableRecords(table) {
    var records = [];
    var rows = Array.prototype.slice.call(table.tHead ? table.tHead.rows : []);
    Array.prototype.forEach.call(table.tBodies, function (body) {
      rows = rows.concat(Array.prototype.slice.call(body.rows));
    });
    rows.forEach(function (row) {
      if (row.hidden) return;
      records.push(Array.prototype.map.call(row.cells, cellText));
    });
    return records;
  }

  /* The file's name: the page's and the table's caption (or its number on the page). */
  function tableFileName(table, number) {
    var page = window.location.pathname.split("/").pop().replace(/\.html$/, "") || "index";
    var title = table.caption ? cellText(table.caption) : T("table {n}", { n: number });
    return (page + " — " + title).replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ").slice(0, 120) + ".csv";
  }

  /* What the paged lists (dap-rows.js) share with the page's tables: the CSV rules, the
     sortable heads and the Ukrainian comparison. */
  window.DAP_SHARED = { csvFile: csvFile, saveFile: saveFile, sortableHeads: sortableHeads,
                        compare: compare, plural: ukPlural };

  function initTableDownloads(root) {
    if (!window.Blob || !window.URL || !URL.createObjectURL) return;
    root.querySelectorAll(".dap-table-download").forEach(function (button, index) {
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.addEventListener("click", function () {
        var holder = button.closest(".dap-table-csv");
        var box = holder && holder.previousElementSibling;
        var table = box && box.querySelector("table");
        if (!table) return;
        saveFile(csvFile(tableRecords(table)), tableFileName(table, index + 1));
      });
    });
  }

  /* ------------------------------------------------------------------ the measure filter */

  /* The filter's URL parameters. Text search is `text`, never `q`: Material's site search reads
     `?q=` and opens its overlay. An old link's `q` is read once and rewritten to `text`. */
  var ASOF_PARAM = "asof";
  var FIELDS = ["direction", "problem", "result", "executor", "main", "status", "year", "overdue",
                "text"];
  var CHECKS = { overdue: 1, main: 1 };
  var SORT_KEYS = ["number", "title", "executor", "end", "status", "label"];
  var PAGE = 50;  /* rows at first and at each "show more" (filter_view.FIRST_ROWS) */

  function option(select, value, label) {
    select.appendChild(el("option", { value: value }, label));
  }

  function fillSelect(select, entries, allLabel) {
    var current = select.value;
    select.textContent = "";
    option(select, "", allLabel);
    entries.forEach(function (e) { option(select, e[0], e[1]); });
    select.value = entries.some(function (e) { return e[0] === current; }) ? current : "";
  }

  /* part/whole in % with one decimal, halves rounded up: the engine's compute.pct, in integers
     so that no binary fraction changes a rounding. */
  function pct(part, whole) {
    if (!whole) return 0;
    var n = part * 1000;
    var q = Math.floor(n / whole);
    if (2 * (n - q * whole) >= whole) q += 1;
    return q / 10;
  }

  function uaPct(value, whole) {
    return whole ? value.toFixed(1).replace(".", DECIMAL) + "%" : "—";
  }

  /* A list's options from {id: title or [title, …]}: "id title", in the order of the ids. */
  function entries(obj, keep) {
    return Object.keys(obj).filter(function (k) { return !keep || keep(k); })
      .sort(function (a, b) { return compare(a, b); })
      .map(function (k) {
        var v = obj[k];
        var title = Array.isArray(v) ? v[0] : v;
        return [k, k + " " + title];
      });
  }

  /* The page carries the filter's first view (builder/site/filter_view.py: the lists' options,
     the first rows, the count and the figures of every measure): a page view whose address has
     no query loads none of the filter's data (1 MB at 2,000 measures) and builds nothing. The
     data is loaded when the reader first uses the filter — a press, a key or a focus in it, a
     date chosen in the as-of control — or scrolls to its charts; a button or the download link pressed
     before it is there is pressed again once the filter is built. An address with a query
     (a shared filter, a date) loads it at once and hides the first view until then. */
  function firstViewStays(box) {
    return box.hasAttribute("data-first") && !window.location.search;
  }

  /* Run before the page is first shown (dap.js is at the end of the body): an address with a
     query shows no first view that its filter would replace a moment later. */
  (function () {
    var box = document.querySelector("#dap-filter[data-first]");
    if (box && !firstViewStays(box)) box.removeAttribute("data-first");
  })();

  function initFilter(root) {
    var box = root.querySelector("#dap-filter");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var started = null;
    function start() {
      if (!started) {
        started = new Promise(function (resolve) {
          box.addEventListener("dap-filter-ready", resolve);
          load(box.getAttribute("data-src")).then(function () {
            buildFilter(box, window.DAP_PROGRAMME, box.hasAttribute("data-first"));
          }).catch(function () {
            box.querySelector(".dap-filter-count").textContent =
              T("The list of measures could not be loaded. The data is on the page «Download data».");
          });
        });
      }
      return started;
    }
    if (!firstViewStays(box)) {
      box.removeAttribute("data-first");
      start();
      return;
    }
    /* the lists of problems and ESR: their long titles from a small script of their own */
    load(box.getAttribute("data-lists")).then(function () {
      var lists = window.DAP_PROGRAMME_LISTS, form = box.querySelector("form");
      if (box.dapFilter || !lists) return;  /* built from the data already */
      fillSelect(form.elements.problem, entries(lists.problems), T("all problems"));
      fillSelect(form.elements.result, entries(lists.results), T("all ESR"));
    }).catch(function () { /* the lists come with the data when the filter is used */ });
    ["pointerdown", "keydown", "focusin", "input", "change"].forEach(function (type) {
      box.addEventListener(type, start, true);
    });
    box.addEventListener("click", function (event) {
      if (box.dapFilter) return;
      var pressed = event.target.closest("button, .dap-filter-download a");
      if (!pressed || !box.contains(pressed)) return;
      event.preventDefault();
      start().then(function () { pressed.click(); });
    }, true);
    var asOf = root.querySelector("#dap-asof select");
    if (asOf) asOf.addEventListener("change", start);
    if (window.IntersectionObserver) {  /* its own watch: initCharts resets the charts' */
      var near = new IntersectionObserver(function (seen) {
        if (!seen.some(function (e) { return e.isIntersecting; })) return;
        near.disconnect();
        start();
      }, { rootMargin: "50% 0px" });
      box.querySelectorAll(".dap-filter-chart, .dap-filter-trend").forEach(function (chart) {
        near.observe(chart);
      });
    }
  }

  /* `first`: the page's first view is shown and the reader may have changed the form before
     the data came: the form, not the address, says what is chosen. */
  function buildFilter(box, data, first) {
    var form = box.querySelector("form");
    var count = box.querySelector(".dap-filter-count");
    var note = box.querySelector(".dap-filter-note");
    var summary = box.querySelector(".dap-filter-summary");
    var statusChart = box.querySelector(".dap-filter-chart");
    var chartTimer = null;
    var download = box.querySelector(".dap-filter-download");
    var table = box.querySelector("table");
    var body = table.tBodies[0];
    var more = box.querySelector(".dap-filter-more");
    var siteRoot = box.getAttribute("data-root") || "";
    var shown = PAGE;
    var sortKey = null;
    var sortUp = true;
    var current = [];
    var csvUrl = null;
    var DONE = {};
    (data.done_statuses || []).forEach(function (s) { DONE[s] = true; });
    function toM(row) {
      return { id: row[0], number: row[1], title: row[2], problem: row[3], results: row[4],
               executor: row[5], co: row[6], status: row[7], label: row[8], end: row[9],
               deadline: row[10], overdue: row[11] === 1, url: row[12], due: row[13] === 1,
               direction: (data.problems[row[3]] || ["", ""])[1],
               langs: row[14] || null };  /* on the English edition: [title's, deadline's] */
    }
    var M = data.measures.map(toM);
    var f = {};
    FIELDS.forEach(function (name) { f[name] = form.elements[name]; });

    function refreshOptions() {
      var d = f.direction.value;
      var p = f.problem.value;
      fillSelect(f.problem, entries(data.problems, function (k) {
        return !d || data.problems[k][1] === d;
      }), T("all problems"));
      fillSelect(f.result, entries(data.results, function (k) {
        var prob = data.results[k][1];
        return (!f.problem.value || prob === f.problem.value) &&
          (!d || (data.problems[prob] || [])[1] === d);
      }), T("all ESR"));
      if (p && !f.problem.value) f.problem.value = "";
    }

    if (!first) {  /* the first view's lists have these options already */
      fillSelect(f.direction, entries(data.directions), T("all directions"));
      fillSelect(f.executor, Object.keys(data.executors).map(function (k) {
        return [k, data.executors[k]];
      }).sort(function (a, b) { return compare(a[1], b[1]); }), T("all implementers"));
      fillSelect(f.status, data.statuses.map(function (s) { return [s, s]; }), T("all statuses"));
      fillSelect(f.year, data.years.map(function (y) { return [String(y), T("by the end of {year}", { year: y })]; }),
                 T("any"));
    }

    /* Read the URL; a value the lists do not have is dropped (the page shows the defaults) and
       named in a short note, never an error. */
    function readUrl() {
      var params;
      try {
        params = new URLSearchParams(window.location.search);
      } catch (err) {
        params = new URLSearchParams("");
      }
      var wrong = [];
      if (params.has("q")) {
        if (!params.has("text")) params.set("text", params.get("q"));
        params.delete("q");
      }
      function choose(name) {
        var value = params.get(name) || "";
        f[name].value = value;
        if (value && f[name].value !== value) { f[name].value = ""; wrong.push(name); }
      }
      ["direction", "problem", "result"].forEach(function (name) {
        choose(name);
        refreshOptions();
      });
      ["executor", "status", "year"].forEach(choose);
      Object.keys(CHECKS).forEach(function (name) {
        var value = params.get(name);
        f[name].checked = value === "1";
        if (value !== null && value !== "1" && value !== "0" && value !== "") wrong.push(name);
      });
      f.text.value = (params.get("text") || "").slice(0, 200);
      var sort = params.get("sort") || "";
      sortKey = sort.replace(/^-/, "") || null;
      sortUp = sort.charAt(0) !== "-";
      if (sortKey && SORT_KEYS.indexOf(sortKey) < 0) { sortKey = null; wrong.push("sort"); }
      params.forEach(function (_, key) {
        if (key === ASOF_PARAM) return;  /* the as-of control's own (dap-asof.js) */
        if (FIELDS.indexOf(key) < 0 && key !== "sort" && wrong.indexOf(key) < 0) wrong.push(key);
      });
      note.hidden = !wrong.length;
      note.textContent = wrong.length ?
        T("The link has unknown or wrong filter parameters ({names}): they were left out, " +
          "the defaults are shown.", { names: wrong.join(", ") }) : "";
    }

    function writeUrl() {
      var params = new URLSearchParams();
      FIELDS.forEach(function (name) {
        if (CHECKS[name]) { if (f[name].checked) params.set(name, "1"); }
        else if (f[name].value) params.set(name, f[name].value);
      });
      if (sortKey) params.set("sort", (sortUp ? "" : "-") + sortKey);
      var asOf = new URLSearchParams(window.location.search).get(ASOF_PARAM);
      if (asOf) params.set(ASOF_PARAM, asOf);
      var query = params.toString();
      window.history.replaceState(window.history.state, "",
        window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }

    function matches(m) {
      var q = f.text.value.trim().toLowerCase();
      var who = f.executor.value;
      return (!f.direction.value || m.direction === f.direction.value) &&
        (!f.problem.value || m.problem === f.problem.value) &&
        (!f.result.value || m.results.indexOf(f.result.value) >= 0) &&
        (!who || m.executor === who || (!f.main.checked && m.co.indexOf(who) >= 0)) &&
        (!f.status.value || m.status === f.status.value) &&
        (!f.year.value || (m.end && m.end.slice(0, 4) <= f.year.value)) &&
        (!f.overdue.checked || m.overdue) &&
        (!q || (m.number + " " + m.title).toLowerCase().indexOf(q) >= 0);
    }

    function cell(row, text, cls) {
      var td = el("td", cls ? { "class": cls } : {}, text);
      row.appendChild(td);
      return td;
    }

    /* A text of the data in a cell, marked lang="uk" with the «UA» class where it is in
       another language than the page's (the English edition's Ukrainian fallbacks, as
       builder/site/filter_view.py writes the first view). */
    var UK_EXECUTORS = {};
    ((data.uk || {}).executors || []).forEach(function (k) { UK_EXECUTORS[k] = true; });
    function textCell(row, text, lang) {
      if (!data.lang || !lang || lang === data.lang) return cell(row, text);
      var td = cell(row, "");
      td.appendChild(el("span", { lang: lang, "class": "dap-ua" }, text));
      return td;
    }

    /* The headline's figures for the rows shown: the same definitions as the engine's
       aggregates (compute.Aggregate); "due" is the engine's own per-measure flag. */
    function renderSummary(rows) {
      var counts = {};
      data.statuses.forEach(function (s) { counts[s] = 0; });
      var done = 0, due = 0, doneDue = 0, overdue = 0;
      rows.forEach(function (m) {
        counts[m.status] = (counts[m.status] || 0) + 1;
        if (DONE[m.status]) done += 1;
        if (m.due) { due += 1; if (DONE[m.status]) doneDue += 1; }
        if (m.overdue) overdue += 1;
      });
      summary.textContent = "";
      var boxes = el("div", { "class": "dap-figures" });
      [
        [String(rows.length), P("measure selected", rows.length), "total"],
        [uaPct(pct(done, rows.length), rows.length), T("% implemented (of all selected)"), "pct_done"],
        [uaPct(pct(doneDue, due), due), P("% implemented (of {n} measure due)", due),
          "pct_done_due"],
        [String(overdue), P("overdue measure", overdue), "overdue"]
      ].forEach(function (b) {
        var p = el("p", { "class": "dap-figure-box", "data-figure": b[2] });
        p.appendChild(el("span", { "class": "dap-number" }, b[0]));
        p.appendChild(el("span", { "class": "dap-caption" }, b[1]));
        boxes.appendChild(p);
      });
      summary.appendChild(boxes);
      var list = el("ul", { "class": "dap-filter-statuses" });
      data.statuses.forEach(function (s) {
        var li = el("li", { "data-status-count": s });
        li.appendChild(el("span", { "class": "dap-status", "data-status": s }, s));
        li.appendChild(document.createTextNode(": " + counts[s]));
        list.appendChild(li);
      });
      summary.appendChild(list);
      summary.appendChild(el("p", { "class": "dap-filter-asof" },
        T("As of {date}; «due» and «overdue» as in the programme's overall figures " +
          "(see «Methodology»).", { date: window.DAP_D ? window.DAP_D(data.as_of) : data.as_of })));
      summary.hidden = false;
      drawStatusChart(data.statuses.map(function (s) { return counts[s]; }));
    }

    /* The status chart of the filtered set: the same kind of chart as the headline's
       (markup.status_chart), redrawn a moment after the filter settles. Its box takes its
       final height with the first figures and is drawn once it comes near the screen. */
    var chartNear = false;
    var chartWatched = false;
    function drawStatusChart(values) {
      if (!statusChart) return;
      statusChart.setAttribute("data-chart", JSON.stringify({
        kind: "hbar", labels: data.statuses, value_title: T("Number of measures"), height: 230,
        series: [{ name: T("measures, in a chart legend"), values: values, colors: data.status_colors }]
      }));
      statusChart.dataset.drawn = "1";  /* drawn here, not by initCharts */
      if (!chartWatched) {  /* hidden until now, or the first view's empty box */
        chartWatched = true;
        statusChart.style.height = "230px";
        statusChart.hidden = false;
        whenNear(statusChart, function () { chartNear = true; redrawStatusChart(); });
      } else if (chartNear) {
        redrawStatusChart();
      }
    }

    function redrawStatusChart() {
      window.clearTimeout(chartTimer);
      chartTimer = window.setTimeout(function () {
        loadPlotly().then(function () {
          drawChart(statusChart);
        }).catch(function () { /* the counts are in the list above */ });
      }, 150);
    }

    /* The rows shown as CSV, made here from the filter's data: the table downloads' format
       (csvField above: UTF-8 with a BOM, CRLF, RFC 4180 quoting, formula-protected text). */
    function csvText(rows) {
      var head = ["No.", "Identifier", "Measure", "Direction", "Problem", "ESR",
                  "Main implementer", "Co-implementers", "Deadline", "End of the deadline",
                  "Status", "Due", "Overdue", "Monitoring result", "Link"].map(function (h) {
                    return T(h);
                  });
      var base = window.location.href.replace(/[?#].*$/, "").replace(/[^/]*$/, "") + siteRoot;
      var lines = [head.map(csvField).join(",")];
      rows.forEach(function (m) {
        lines.push([m.number, m.id, m.title, m.direction, m.problem, m.results.join(", "),
          data.executors[m.executor] || m.executor,
          m.co.map(function (c) { return data.executors[c] || c; }).join("; "),
          m.deadline, m.end, m.status, m.due ? T("yes") : T("no"), m.overdue ? T("yes") : T("no"),
          m.label, base + m.url].map(csvField).join(","));
      });
      return "\ufeff" + lines.join("\r\n") + "\r\n";
    }

    /* The file is made in a task of its own after the list is drawn (up to every measure of
       the programme: a long task on a phone if done with the list). */
    var csvTimer = null;
    var csvRows = [];
    function makeDownload() {
      window.clearTimeout(csvTimer);
      if (csvUrl) return;
      var link = download.querySelector("a");
      csvUrl = URL.createObjectURL(new Blob([csvText(csvRows)], { type: "text/csv;charset=utf-8" }));
      link.href = csvUrl;
      link.setAttribute("download", "zakhody-" + data.as_of + ".csv");
    }
    /* pressed before its file was made (the first press after the data came): made now */
    download.querySelector("a").addEventListener("click", function () {
      if (!csvUrl && csvRows.length) makeDownload();
    });
    function updateDownload(rows) {
      var link = download.querySelector("a");
      if (csvUrl) URL.revokeObjectURL(csvUrl);
      csvUrl = null;
      if (!window.Blob || !window.URL || !URL.createObjectURL) { download.hidden = true; return; }
      download.hidden = !rows.length;
      link.removeAttribute("href");
      window.clearTimeout(csvTimer);
      csvRows = rows;
      csvTimer = window.setTimeout(makeDownload, 0);
    }

    function render() {
      var rows = M.filter(matches);
      if (sortKey) {
        rows.sort(function (a, b) {
          var c = compare(a[sortKey] || "", b[sortKey] || "");
          return sortUp ? c : -c;
        });
      }
      current = rows;
      body.textContent = "";
      rows.slice(0, shown).forEach(function (m) {
        var tr = el("tr");
        var first = cell(tr, "");
        first.appendChild(el("a", { href: siteRoot + m.url }, m.number));
        textCell(tr, m.title, m.langs && m.langs[0]);
        cell(tr, m.results.join(", "));
        textCell(tr, data.executors[m.executor] || m.executor,
                 UK_EXECUTORS[m.executor] ? "uk" : null);
        textCell(tr, m.deadline, m.langs && m.langs[1]);
        var st = cell(tr, "", "dap-nowrap");
        st.appendChild(el("span", { "class": "dap-status", "data-status": m.status }, m.status));
        if (m.overdue) st.appendChild(el("span", { "class": "dap-overdue" }, " " + T("overdue")));
        cell(tr, m.label || "—");
        body.appendChild(tr);
      });
      count.textContent = P("Showing {shown} of {n} selected measure (of {total} in all)",
                            rows.length, { shown: Math.min(shown, rows.length), total: M.length });
      more.hidden = rows.length <= shown;
      table.querySelectorAll("th[data-key]").forEach(function (th) {
        if (th.getAttribute("data-key") === sortKey) th.setAttribute("aria-sort", sortUp ? "ascending" : "descending");
        else th.removeAttribute("aria-sort");
      });
      renderSummary(rows);
      updateDownload(rows);
      if (box.dapFilter && box.dapFilter.onRender) box.dapFilter.onRender(rows);
    }

    form.addEventListener("change", function (event) {
      if (event.target === f.direction || event.target === f.problem) refreshOptions();
      shown = PAGE;
      writeUrl();
      render();
    });
    form.addEventListener("input", function (event) {
      if (event.target !== f.text) return;
      shown = PAGE;
      writeUrl();
      render();
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () {
      window.setTimeout(function () {
        refreshOptions(); shown = PAGE; note.hidden = true; writeUrl(); render();
      }, 0);
    });
    more.addEventListener("click", function () { shown += PAGE; render(); });
    table.querySelectorAll("th[data-key]").forEach(function (th) {
      var button = th.querySelector("button.dap-sort");  /* the first view's own */
      if (!button) {
        button = el("button", { type: "button", "class": "dap-sort" });
        while (th.firstChild) button.appendChild(th.firstChild);
        th.appendChild(button);
      }
      button.addEventListener("click", function () {
        var key = th.getAttribute("data-key");
        sortUp = sortKey === key ? !sortUp : true;
        sortKey = key;
        writeUrl();
        render();
      });
    });
    if (first) refreshOptions(); else readUrl();
    writeUrl();
    window.setTimeout(function () {  /* the list in a task of its own, after the lists above */
      render();
      box.classList.add("dap-filter-ready");
      /* The «Стан на» control (dap-asof.js) shows the measures as at another date. */
      box.dapFilter = {
        data: data,
        rows: function () { return current; },
        setMeasures: function (rows, asOf) {
          M = rows.map(toM); data.as_of = asOf; shown = PAGE; render();
        },
        onRender: null
      };
      box.dispatchEvent(new Event("dap-filter-ready"));
    }, 0);
  }

  /* ------------------------------------------------------------------ every page view */

  /* The report and assessment forms: their own script, loaded on their pages only. */
  function initForm(root) {
    var box = root.querySelector("#dap-form-box");
    if (!box) return;
    load(ASSETS + "dap-form.js").then(function () { window.DAP_FORM_SETUP(box); });
  }

  /* Paged lists (issue 22: an executor's measures): their own script and data, on their
     pages only. */
  function initRows(root) {
    var boxes = root.querySelectorAll(".dap-rows");
    if (!boxes.length) return;
    load(ASSETS + "dap-rows.js").then(function () {
      Array.prototype.forEach.call(boxes, function (box) { window.DAP_ROWS_SETUP(box, load, window.DAP_SHARED); });
    });
  }

  /* The «Стан на» control of aggregate pages: its own script, loaded where it is. */
  function initAsOf(root) {
    var box = root.querySelector("#dap-asof");
    if (!box) return;
    load(ASSETS + "dap-asof.js").then(function () {
      window.DAP_ASOF_SETUP(box, {
        load: load,
        draw: function (chart) { return loadPlotly().then(function () { drawChart(chart); }); },
        plural: ukPlural,
        pct: pct
      });
    });
  }

  function init() {
    var root = document.querySelector("article") || document.body;
    initCharts(root);
    initTables(root);
    initTableDownloads(root);
    initFilter(root);
    initForm(root);
    initRows(root);
    initAsOf(root);
  }

  /* Every page view: Material's document$ emits after instant navigation; it does not emit
     when the site is opened from disk, so the first view also runs on DOMContentLoaded. Each
     step is idempotent. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
