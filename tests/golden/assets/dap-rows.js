/* Paged lists (builder/site/rows.py): the rows of a long list come from a data script and are
 * shown a page at a time, with a search box over every row (not only the page shown).
 *
 * Loaded by dap.js on pages that have a list. Text from data is only ever inserted with
 * textContent; the one link it makes is to a measure's page, built from the measure's id.
 * The data is a script, not a fetch, so that the site works opened from disk.
 */
(function () {
  "use strict";

  /* The words in this edition's language: assets/data/dap-text.js (dap build, issue 21). */
  var T = window.DAP_T || function (id) { return id; };
  var P = window.DAP_P || function (id, n) { return n + " " + id; };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* The kinds of record page a cell may link to (builder/site/rows.py LINK_KINDS). */
  var KINDS = { measures: 1, executors: 1, directions: 1, problems: 1, results: 1 };

  /* A cell: a text, ["t", text, lang] (a text in another language than the page's: the
     Ukrainian text of the data on the English edition, marked), ["a", kind, id, text(, lang)]
     (a link to a record's page) or ["s", status, overdue]. */
  function cellNode(cell, root, numeric) {
    var td = el("td", numeric ? { "class": "dap-num" } : {});
    if (Array.isArray(cell) && cell[0] === "a" && KINDS.hasOwnProperty(cell[1])) {
      var link = el("a", {
        href: root + cell[1] + "/" + encodeURIComponent(cell[2]) + ".html"
      }, String(cell[3]));
      if (cell[4]) {
        link.lang = String(cell[4]);
        link.className = "dap-ua";
      }
      td.appendChild(link);
    } else if (Array.isArray(cell) && cell[0] === "t") {
      td.appendChild(el("span", { lang: String(cell[2]), "class": "dap-ua" }, String(cell[1])));
    } else if (Array.isArray(cell) && cell[0] === "s") {
      td.appendChild(el("span", { "class": "dap-status", "data-status": String(cell[1]) },
        String(cell[1])));
      if (cell[2]) {
        td.appendChild(document.createTextNode(" "));
        td.appendChild(el("span", { "class": "dap-overdue" }, T("overdue")));
      }
    } else {
      td.textContent = String(cell);
    }
    return td;
  }

  function cellText(cell) {
    if (Array.isArray(cell)) return cell[0] === "a" ? String(cell[3]) : String(cell[1]);
    return String(cell);
  }

  /* A number ("47,2%", "1 234") sorts as a number, anything else as Ukrainian text. */
  function sortValue(cell) {
    var raw = cellText(cell).trim();
    var num = raw.replace(/\s/g, "").replace(",", ".").replace(/%$/, "");
    return num !== "" && !isNaN(Number(num)) ? Number(num) : raw.toLowerCase();
  }

  function setup(box, load, shared) {
    if (box.getAttribute("data-ready")) return;
    box.setAttribute("data-ready", "1");
    var key = box.getAttribute("data-key");
    var root = box.getAttribute("data-root") || "";
    var size = parseInt(box.getAttribute("data-page"), 10) || 50;
    var count = box.querySelector(".dap-rows-count");
    var find = box.querySelector("input[type=search]");
    var body = box.querySelector("tbody");
    var heads = box.querySelectorAll("thead th");
    var columns = heads.length;
    var numeric = Array.prototype.map.call(heads, function (th) {
      return th.classList.contains("dap-num");
    });
    var pages = box.querySelector(".dap-rows-pages");
    var where = box.querySelector(".dap-rows-where");
    var back = pages.querySelector("[data-step='-1']");
    var next = pages.querySelector("[data-step='1']");
    load(box.getAttribute("data-src")).then(function () {
      var rows = (window.DAP_ROWS || {})[key] || [];
      var texts = rows.map(function (row) { return row.map(cellText).join(" ").toLowerCase(); });
      var shown = rows, page = 0;

      function render() {
        var last = Math.max(0, Math.ceil(shown.length / size) - 1);
        page = Math.min(Math.max(page, 0), last);
        while (body.firstChild) body.removeChild(body.firstChild);
        shown.slice(page * size, (page + 1) * size).forEach(function (row) {
          var tr = el("tr");
          row.forEach(function (cell, i) { tr.appendChild(cellNode(cell, root, numeric[i])); });
          body.appendChild(tr);
        });
        if (!shown.length) {
          var tr = el("tr");
          tr.appendChild(el("td", { colspan: String(columns) },
            rows.length ? T("Nothing found.") : T("No data.")));
          body.appendChild(tr);
        }
        var n = shown.length;
        count.textContent = P(shown === rows ? "{n} row in all" : "{n} row found", n) +
          (n > size ? T("; showing {first}–{last}",
                        { first: page * size + 1, last: Math.min(n, (page + 1) * size) }) : "") +
          ".";
        pages.hidden = n <= size;
        where.textContent = T("Page {page} of {pages}", { page: page + 1, pages: last + 1 });
        back.disabled = page === 0;
        next.disabled = page === last;
      }

      function select() {
        var words = find.value.toLowerCase().split(/\s+/).filter(Boolean);
        shown = words.length ? rows.filter(function (_, i) {
          return words.every(function (w) { return texts[i].indexOf(w) !== -1; });
        }) : rows;
      }

      find.addEventListener("input", function () {
        select();
        page = 0;
        render();
      });
      if (box.hasAttribute("data-sortable")) {
        shared.sortableHeads(heads, function (index, ascending) {
          var order = rows.map(function (row, i) { return [sortValue(row[index]), i]; });
          order.sort(function (x, y) {
            var c = shared.compare(x[0], y[0]);
            return (ascending ? c : -c) || x[1] - y[1];
          });
          rows = order.map(function (x) { return rows[x[1]]; });
          texts = order.map(function (x) { return texts[x[1]]; });
          select();
          page = 0;
          render();
        });
      }
      var download = box.querySelector(".dap-rows-download");
      if (download) {
        download.addEventListener("click", function () {
          /* every row the search keeps, in the order shown, as text (never HTML) */
          var records = [Array.prototype.map.call(heads, function (th) {
            return th.textContent.replace(/\s+/g, " ").trim();
          })].concat(shown.map(function (row) { return row.map(cellText); }));
          var name = window.location.pathname.split("/").pop().replace(/\.html$/, "") || "index";
          var caption = box.querySelector("caption");
          name += " — " + (caption ? caption.textContent.trim() : T("list"));
          shared.saveFile(shared.csvFile(records),
            name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ").slice(0, 120) + ".csv");
        });
      }
      [back, next].forEach(function (button) {
        button.addEventListener("click", function () {
          page += parseInt(button.getAttribute("data-step"), 10);
          render();
        });
      });
      render();
    }).catch(function () {
      count.textContent = T("The list could not be loaded. All the data is in «Download data».");
    });
  }

  window.DAP_ROWS_SETUP = setup;
})();
