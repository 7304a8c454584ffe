/* Paged lists (builder/site/rows.py): the rows of a long list come from a data script and are
 * shown a page at a time, with a search box over every row (not only the page shown).
 *
 * Loaded by dap.js on pages that have a list. Text from data is only ever inserted with
 * textContent; the one link it makes is to a measure's page, built from the measure's id.
 * The data is a script, not a fetch, so that the site works opened from disk.
 */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function ukPlural(n, one, few, many) {
    var d = n % 10, h = n % 100;
    if (d === 1 && h !== 11) return one;
    return d >= 2 && d <= 4 && (h < 12 || h > 14) ? few : many;
  }

  /* A cell: a text, ["m", id, text] (a link to a measure's page) or ["s", status, overdue]. */
  function cellNode(cell, root) {
    var td = el("td");
    if (Array.isArray(cell) && cell[0] === "m") {
      td.appendChild(el("a", { href: root + "measures/" + encodeURIComponent(cell[1]) + ".html" },
        String(cell[2])));
    } else if (Array.isArray(cell) && cell[0] === "s") {
      td.appendChild(el("span", { "class": "dap-status", "data-status": String(cell[1]) },
        String(cell[1])));
      if (cell[2]) {
        td.appendChild(document.createTextNode(" "));
        td.appendChild(el("span", { "class": "dap-overdue" }, "прострочено"));
      }
    } else {
      td.textContent = String(cell);
    }
    return td;
  }

  function cellText(cell) {
    if (Array.isArray(cell)) return cell[0] === "m" ? String(cell[2]) : String(cell[1]);
    return String(cell);
  }

  function setup(box, load) {
    if (box.getAttribute("data-ready")) return;
    box.setAttribute("data-ready", "1");
    var key = box.getAttribute("data-key");
    var root = box.getAttribute("data-root") || "";
    var size = parseInt(box.getAttribute("data-page"), 10) || 50;
    var count = box.querySelector(".dap-rows-count");
    var find = box.querySelector("input[type=search]");
    var body = box.querySelector("tbody");
    var columns = box.querySelectorAll("thead th").length;
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
          row.forEach(function (cell) { tr.appendChild(cellNode(cell, root)); });
          body.appendChild(tr);
        });
        if (!shown.length) {
          var tr = el("tr");
          tr.appendChild(el("td", { colspan: String(columns) },
            rows.length ? "Нічого не знайдено." : "Немає даних."));
          body.appendChild(tr);
        }
        var n = shown.length;
        count.textContent = (shown === rows ? "Усього " : "Знайдено ") + n + " " +
          ukPlural(n, "рядок", "рядки", "рядків") +
          (n > size ? "; показано " + (page * size + 1) + "–" + Math.min(n, (page + 1) * size) : "") +
          ".";
        pages.hidden = n <= size;
        where.textContent = "Сторінка " + (page + 1) + " з " + (last + 1);
        back.disabled = page === 0;
        next.disabled = page === last;
      }

      find.addEventListener("input", function () {
        var words = find.value.toLowerCase().split(/\s+/).filter(Boolean);
        shown = words.length ? rows.filter(function (_, i) {
          return words.every(function (w) { return texts[i].indexOf(w) !== -1; });
        }) : rows;
        page = 0;
        render();
      });
      [back, next].forEach(function (button) {
        button.addEventListener("click", function () {
          page += parseInt(button.getAttribute("data-step"), 10);
          render();
        });
      });
      render();
    }).catch(function () {
      count.textContent = "Не вдалося завантажити перелік. Усі дані — у розділі «Завантажити дані».";
    });
  }

  window.DAP_ROWS_SETUP = setup;
})();
