/* The site's search: the header's dialog (partials/dap-search.html) over the Pagefind index
 * that `dap build` writes into pagefind/ from the data (builder/site/search.py).
 *
 * Pagefind has no Ukrainian stemmer, so the index holds stems made by builder/site/search.py,
 * and a query is stemmed here by the same rules before it reaches the index: STEM_RULES below
 * is that module's table (tests/test_search.py checks both, and that they give the same stems).
 * The reports of the quarter being reported on are not in Pagefind's index but in the daily
 * index beside it (builder/site/daily.py, `dailyIndex` and `searchBoth` below), so that a
 * day's merged report does not make Pagefind index the whole site again.
 * One query fetches Pagefind's script, its WebAssembly, the index chunks of its words (every
 * chunk that may hold a word a query's stem begins: chunkStarts below), the daily index,
 * where the chunks start, and the fragments of the results shown, all from this site. A
 * result shows the record's own text;
 * text from data is only ever inserted with textContent, never as HTML. Opened from disk
 * (file://) the browser cannot load the index: the dialog says so instead.
 */
(function () {
  "use strict";

  /* The words in this edition's language: assets/data/dap-text.js (dap build, issue 21). */
  var T = window.DAP_T || function (id) { return id; };
  var P = window.DAP_P || function (id, n) { return n + " " + id; };

  /* stem-rules: generated from builder/site/search.py STEM_RULES — do not edit by hand */
  var STEM_RULES = {"apostrophes": "'’ʼ`", "consonants": "бвгґджзйклмнпрстфхцчшщ", "endings": ["остями", "остей", "остям", "остях", "ували", "увати", "ості", "тись", "тися", "ться", "ують", "ього", "ьому", "ість", "істю", "іями", "ами", "ати", "ать", "еві", "ете", "ими", "имо", "ите", "ити", "ить", "ові", "ого", "ому", "уть", "ьми", "ють", "ями", "яти", "ять", "єві", "ємо", "єте", "іми", "імо", "іте", "іти", "іям", "іях", "ією", "ам", "ах", "ая", "ей", "ем", "ею", "еє", "ий", "им", "их", "ла", "ли", "ло", "ом", "ою", "ої", "сь", "ся", "ує", "ям", "ях", "яя", "єм", "єю", "ів", "ій", "ім", "іх", "ію", "ія", "ії", "їв", "а", "в", "е", "и", "о", "у", "ь", "ю", "я", "є", "і", "ї"], "fleeting": "еоі", "min_stem": 3, "stop": ["а", "або", "в", "вже", "від", "для", "до", "з", "за", "зі", "й", "на", "не", "по", "при", "про", "та", "також", "у", "це", "чи", "ще", "що", "щодо", "як", "і", "із"]};
  /* /stem-rules */

  var WORD = /[0-9]+(?:\.[0-9]+)*|[a-zа-яґєії'\u2019\u02bc`]+/giu;
  var PAGE = 10;  /* results shown at a time */

  function contains(set, ch) { return ch !== undefined && ch !== "" && set.indexOf(ch) >= 0; }

  function normal(word) {
    word = word.toLowerCase().replace(/ё/g, "е");
    for (var i = 0; i < STEM_RULES.apostrophes.length; i++) {
      word = word.split(STEM_RULES.apostrophes[i]).join("");
    }
    return word;
  }

  function settle(word) {
    var c = STEM_RULES.consonants, n = word.length;
    if (n > STEM_RULES.min_stem && word[n - 1] === word[n - 2] && contains(c, word[n - 1])) {
      word = word.slice(0, -1);
      n -= 1;
    }
    if (n >= 3 && contains(STEM_RULES.fleeting, word[n - 2]) && contains(c, word[n - 1]) &&
        contains(c, word[n - 3])) {
      word = word.slice(0, n - 2) + word[n - 1];
    }
    return word;
  }

  /* Every stem of a word (see stem_forms in builder/site/search.py); the first is its stem. */
  function stemForms(word) {
    if (/^[0-9]/.test(word)) return [word.replace(/\./g, "_")];
    word = normal(word);
    var found = [];
    STEM_RULES.endings.forEach(function (ending) {
      if (word.length - ending.length >= STEM_RULES.min_stem &&
          word.slice(-ending.length) === ending) {
        found.push(settle(word.slice(0, -ending.length)));
      }
    });
    found.push(settle(word));
    return found.filter(function (s, i) { return found.indexOf(s) === i; });
  }

  function stem(word) { return stemForms(word)[0]; }

  /* A query's word as typed (normalised) when its stem is that word with a vowel or a
     doubled letter dropped and no ending cut (a whole word's stem then begins its other
     forms, but a word typed in part may get a stem nothing begins: searchQuery, and
     tests/test_browser_chunks.py for examples); else null. */
  function typed(word) {
    if (/^[0-9]/.test(word)) return null;
    var plain = normal(word);
    var cut = STEM_RULES.endings.some(function (ending) {
      return plain.length - ending.length >= STEM_RULES.min_stem &&
        plain.slice(-ending.length) === ending;
    });
    return !cut && stem(word) !== plain ? plain : null;
  }

  function words(text) { return String(text).match(WORD) || []; }

  /* Whether a word is searched for (not a stop word such as «та», «про»). */
  function searched(word) { return STEM_RULES.stop.indexOf(normal(word)) < 0; }

  /* The word form for a count by the Ukrainian rule (dap.js's ukPlural, wording.uk_plural). */
  var PLURAL = window.Intl && Intl.PluralRules ? new Intl.PluralRules("uk") : null;
  function ukPlural(n, one, few, many) {
    var form = PLURAL ? PLURAL.select(n) : (n % 10 === 1 && n % 100 !== 11 ? "one" : "many");
    return form === "one" ? one : form === "few" ? few : many;
  }

  /* ------------------------------------------------------------------ the daily index */

  /* The daily index (builder/site/daily.py): the texts of the reports of the quarter being
     reported on, which are not in Pagefind's index, so that a day's merged report does not
     make Pagefind index the whole site again. `json`: the parsed pagefind/dap-daily.dap_daily.
     `find(stem)`: the pages (their numbers) that have a word the stem is a prefix of, as
     Pagefind matches, and whether Pagefind's index has such a word too (`inMain`); null when
     no stem of the daily index begins with it. */
  function dailyIndex(json) {
    var ok = json && Array.isArray(json.pages) && Array.isArray(json.stems) &&
      Array.isArray(json.reach) && Array.isArray(json["in"]) &&
      json.reach.length === json.stems.length && json["in"].length === json.stems.length;
    if (!ok) return null;
    var pages = json.pages, stems = json.stems, count = pages.length, byId = {};
    pages.forEach(function (page, n) {
      if (Array.isArray(page) && typeof page[0] === "string") byId[page[0]] = n;
    });

    function numbers(at) {  /* a stem's pages: differences, or a base64 bitmap */
      var held = json["in"][at], out = [], n = 0;
      if (Array.isArray(held)) {
        held.forEach(function (step) { n += step; out.push(n); });
      } else {
        var bytes = atob(String(held));
        for (var i = 0; i < bytes.length; i++) {
          for (var bit = 0; bit < 8; bit++) {
            if (bytes.charCodeAt(i) & (1 << bit) && i * 8 + bit < count) out.push(i * 8 + bit);
          }
        }
      }
      return out;
    }

    function find(stem) {
      var low = 0, high = stems.length;
      while (low < high) {  /* the first stem not before `stem` */
        var mid = (low + high) >> 1;
        if (stems[mid] < stem) low = mid + 1; else high = mid;
      }
      if (low >= stems.length || stems[low].indexOf(stem) !== 0) return null;
      var found = {};
      for (var at = low; at < stems.length && stems[at].indexOf(stem) === 0; at++) {
        numbers(at).forEach(function (n) { found[n] = true; });
      }
      return { pages: found, inMain: json.reach[low] >= stem.length };
    }

    return {
      find: find,
      count: count,
      id: function (n) { return String(pages[n][0]); },
      /* the name of the file with a page's daily reports, or null */
      reports: function (id) {
        var n = byId[id];
        var name = n === undefined ? null : String(pages[n][1]);
        return name && /^[0-9a-f]{16}$/.test(name) ? name : null;
      }
    };
  }

  /* ------------------------------------------------------------------ Pagefind's chunks */

  /* Where the chunks of Pagefind's word list start (builder/site/search/chunks.py): `json`,
     the parsed pagefind/dap-chunks.dap_chunks, the first word of each chunk in order (every
     word of chunk i is at least starts[i] and before starts[i + 1]). Pagefind loads for a
     query's word only the chunk that holds the word itself, and matches it as a prefix of
     the words of the chunks loaded, so a stem whose words run on into the next chunk would
     miss records. `probes(stem)`: the first word of each chunk that may hold a word the
     stem begins, for `pagefind.preload`, which loads the chunk that holds it. */
  function chunkStarts(json) {
    var ok = Array.isArray(json) && json.length > 0 &&
      json.every(function (s) { return typeof s === "string"; });
    if (!ok) return null;
    return {
      probes: function (stem) {
        var out = [];
        for (var i = 0; i < json.length; i++) {
          var belowEnd = i + 1 === json.length || json[i + 1] > stem;
          var fromOk = i === 0 || json[i] <= stem || json[i].indexOf(stem) === 0;
          if (belowEnd && fromOk) out.push(json[i]);
        }
        return out;
      }
    };
  }

  /* Every chunk that a stem of `stems` may need loaded, before Pagefind searches them. */
  function preloaded(pagefind, chunks, stems) {
    if (!chunks || !pagefind.preload) return Promise.resolve();
    var probes = [];
    stems.forEach(function (s) {
      chunks.probes(s).forEach(function (p) { if (probes.indexOf(p) < 0) probes.push(p); });
    });
    return Promise.all(probes.map(function (p) { return pagefind.preload(p); }));
  }

  /* The results of a query's stems (Pagefind's results, each with its `id` and `data()`),
     from Pagefind's index and the daily one together: a page is found when it has every
     stem in one or the other. Order: the pages Pagefind finds with every stem first, in
     Pagefind's order (what it finds when the daily index has none of the stems); then those
     that need the daily reports for some stem, by the sum of Pagefind's scores of the
     stems it found on them, then in the site's order. `pageOf(id)`: a result for a page
     found in the daily index only. `chunks`: chunkStarts, or null (Pagefind alone picks
     the chunks it loads). Pagefind is asked one search at a time. */
  function searchBoth(pagefind, daily, stems, pageOf, chunks) {
    return preloaded(pagefind, chunks, stems).then(function () {
      return searchLoaded(pagefind, daily, stems, pageOf);
    });
  }

  function searchLoaded(pagefind, daily, stems, pageOf) {
    var matched = daily ? stems.map(function (s) { return daily.find(s); }) : [];
    if (!matched.some(Boolean)) {
      return pagefind.search(stems.join(" ")).then(function (found) {
        return (found && found.results) || [];
      });
    }
    var inMain = stems.map(function (s, i) { return !matched[i] || matched[i].inMain; });
    var terms = [inMain.every(Boolean) ? stems.join(" ") : null];
    stems.forEach(function (s, i) { terms.push(inMain[i] ? s : null); });
    var found = [];
    var asked = terms.reduce(function (before, term) {
      return before.then(function () {
        return term === null ? null : pagefind.search(term);
      }).then(function (answer) { found.push((answer && answer.results) || []); });
    }, Promise.resolve());
    return asked.then(function () {
      var first = found[0], byId = {}, taken = {};
      var scores = stems.map(function (s, i) {
        var of = {};
        found[i + 1].forEach(function (r) { of[r.id] = r.score; byId[r.id] = r; });
        return of;
      });
      first.forEach(function (r) { taken[r.id] = true; });
      var more = [];
      for (var n = 0; n < daily.count; n++) {
        var id = daily.id(n);
        if (taken[id]) continue;
        var score = 0, all = true;
        for (var i = 0; i < stems.length && all; i++) {
          if (id in scores[i]) score += scores[i][id];
          else if (!(matched[i] && matched[i].pages[n])) all = false;
        }
        if (all) more.push({ result: byId[id] || pageOf(id), score: score, n: n });
      }
      more.sort(function (a, b) { return b.score - a.score || a.n - b.n; });
      return first.concat(more.map(function (m) { return m.result; }));
    });
  }

  /* Whether a result has, for each of `stems`, a word it begins: in its record's stems
     (the fragment's content) or its meta's words (Pagefind matches those too). A result
     without content (a page of the daily index) is taken as matching. */
  function matches(result, stems) {
    if (!result) return Promise.resolve(stems.map(function () { return false; }));
    return Promise.resolve(result.data ? result.data() : null).then(function (data) {
      if (!data || typeof data.content !== "string") return stems.map(function () { return true; });
      var meta = data.meta || {};
      var held = data.content.split(" ").concat(
        words([meta.title, meta.kind, meta.text].join(" ")).map(normal));
      return stems.map(function (s) {
        return held.some(function (w) { return w.indexOf(s) === 0; });
      });
    });
  }

  /* Whether nothing in either index begins with `stem`: not in the daily index, and
     Pagefind's answer for it alone is empty or a fallback (its first result has no word
     the stem begins: Pagefind then matches the longest indexed word the stem begins). */
  function unknown(pagefind, daily, stem) {
    if (daily && daily.find(stem)) return Promise.resolve(false);
    return pagefind.search(stem).then(function (answer) {
      var results = (answer && answer.results) || [];
      return matches(results[0], [stem]).then(function (ok) { return !ok[0]; });
    });
  }

  /* The results of a query's words (searched ones) and the stems they were found by:
     searchBoth over their stems. When a word's stem is the word typed with a letter
     dropped (`typed`) and Pagefind fell back to a shorter word because nothing begins
     with that stem (unrelated results; seen as a first result without the stem, then the
     stem alone checked), the word is searched as typed instead, and kept when that finds
     records that have it. Every other query is searchBoth's alone, an empty answer too: a
     stem with nothing to fall back to, or a whole word none of whose forms is in the
     data, whose typed form would also find the words the stemmer keeps apart from it
     (docs/performance.md, twelfth session). */
  function searchQuery(pagefind, daily, queryWords, pageOf, chunks) {
    var stems = queryWords.map(stem);
    var raw = queryWords.map(typed);
    var keep = function (found) { return { stems: stems, found: found }; };
    return searchBoth(pagefind, daily, stems, pageOf, chunks).then(function (found) {
      if (!raw.some(Boolean)) return keep(found);
      return matches(found[0], stems).then(function (ok) {
        if (!found.length || ok.every(Boolean)) return keep(found);
        return Promise.all(stems.map(function (s, i) {
          return raw[i] ? unknown(pagefind, daily, s) : false;
        })).then(function (lost) {
          if (!lost.some(Boolean)) return keep(found);
          var other = stems.map(function (s, i) { return lost[i] ? raw[i] : s; });
          return searchBoth(pagefind, daily, other, pageOf, chunks).then(function (again) {
            return matches(again[0], other).then(function (fine) {
              return again.length && fine.every(Boolean) ?
                { stems: other, found: again } : keep(found);
            });
          });
        });
      });
    });
  }

  window.DAP_SEARCH_STEM = {
    stem: stem, stemForms: stemForms, words: words, searched: searched, plural: ukPlural,
    dailyIndex: dailyIndex, chunkStarts: chunkStarts, searchBoth: searchBoth,
    searchQuery: searchQuery
  };

  /* ------------------------------------------------------------------ the dialog */

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* Whether a word of the data is found by the query's stems (as Pagefind matches them). */
  function hit(word, stems) {
    return searched(word) && stemForms(word).some(function (form) {
      return stems.some(function (s) { return form.indexOf(s) === 0; });
    });
  }

  /* How many of the query's stems a text has (each counted once). */
  function hits(text, stems) {
    var list = words(text);
    return stems.filter(function (s) {
      return list.some(function (w) { return hit(w, [s]); });
    }).length;
  }

  /* `text` into `node` as text, the words that match the query's stems in <mark>. */
  function marked(node, text, stems) {
    var last = 0, match;
    WORD.lastIndex = 0;
    while ((match = WORD.exec(text)) !== null) {
      if (!hit(match[0], stems)) continue;
      if (match.index > last) node.appendChild(document.createTextNode(text.slice(last, match.index)));
      node.appendChild(el("mark", {}, match[0]));
      last = match.index + match[0].length;
    }
    if (last < text.length) node.appendChild(document.createTextNode(text.slice(last)));
    return node;
  }

  /* About 30 words of `text` around its first word that matches, with «…» where it is cut. */
  function excerpt(text, stems) {
    var list = [], match;
    WORD.lastIndex = 0;
    while ((match = WORD.exec(text)) !== null) list.push(match);
    var first = 0;
    for (var i = 0; i < list.length; i++) {
      if (hit(list[i][0], stems)) {
        first = i;
        break;
      }
    }
    var from = Math.max(0, first - 10), to = Math.min(list.length, from + 30);
    if (!list.length) return text;
    var start = from === 0 ? 0 : list[from].index;
    var end = to >= list.length ? text.length : list[to].index;
    return (start > 0 ? "… " : "") + text.slice(start, end).trim() + (end < text.length ? " …" : "");
  }

  function setup(box) {
    var toggle = document.getElementById("__search");
    var form = box.querySelector("form");
    var input = box.querySelector("#dap-search-query");
    var meta = box.querySelector("#dap-search-meta");
    var list = box.querySelector("#dap-search-list");
    var more = box.querySelector("#dap-search-more");
    /* The site's root, fixed at the first page view: the header stays the same under
       Material's instant navigation while the page's depth changes. */
    var base = box.getAttribute("data-root") || ".";  /* "/" on the 404 page: no "//" */
    var root = new URL(base.slice(-1) === "/" ? base : base + "/", window.location.href);
    var engine = null, daily = null, shown = [], stems = [], asked = 0;

    function say(text) { meta.textContent = text; }

    function open(on) {
      if (toggle) toggle.checked = on;
      if (on) input.focus();
    }

    function load() {
      if (engine) return engine;
      if (window.location.protocol === "file:") {
        engine = Promise.reject(new Error("file"));
      } else {
        engine = import(new URL("pagefind/pagefind.js", root).href).then(function (pagefind) {
          return Promise.resolve(pagefind.init ? pagefind.init() : null).then(function () {
            return pagefind;
          });
        });
      }
      engine.catch(function () { /* reported where it is used */ });
      return engine;
    }

    /* A file of the index's folder (pagefind/<path>), gzip-compressed as Pagefind compresses
       its own, decompressed: a Response to read; rejected when it cannot be had. */
    function unzipped(path) {
      return fetch(new URL("pagefind/" + path, root).href).then(function (response) {
        if (!response.ok || !response.body) throw new Error(path);
        return new Response(response.body.pipeThrough(new DecompressionStream("gzip")));
      });
    }

    /* One of dap's files beside Pagefind's, made by `make` from its JSON; null without it
       (or in a browser that cannot decompress), and the search goes on without it. */
    function ownFile(path, make) {
      if (window.location.protocol === "file:" || !window.DecompressionStream) {
        return Promise.resolve(null);
      }
      return unzipped(path).then(function (plain) { return plain.json(); })
        .then(make).catch(function () { return null; });
    }

    /* The daily index (dailyIndex); without it the search is Pagefind's alone. */
    function loadDaily() {
      if (!daily) daily = ownFile("dap-daily.dap_daily", dailyIndex);
      return daily;
    }

    /* Where Pagefind's chunks start (chunkStarts); without it the chunks loaded are
       Pagefind's choice (a stem may then miss records). */
    var chunks = null;
    function loadChunks() {
      if (!chunks) chunks = ownFile("dap-chunks.dap_chunks", chunkStarts);
      return chunks;
    }

    /* A result for a page that the daily index found and Pagefind did not: its fragment in
       Pagefind's index (gzip-compressed JSON after Pagefind's "pagefind_dcd" mark), read
       as Pagefind reads it, its address made as Pagefind makes it (from the site's root). */
    var fragments = {};
    function pageOf(id) {
      return {
        id: id,
        score: 0,
        data: function () {
          if (!fragments[id]) {
            var path = "fragment/" + encodeURIComponent(id) + ".pf_fragment";
            fragments[id] = unzipped(path).then(function (plain) {
              return plain.arrayBuffer();
            }).then(function (buffer) {
              var text = new TextDecoder().decode(buffer);
              var page = JSON.parse(text.indexOf("pagefind_dcd") === 0 ? text.slice(12) : text);
              return {
                url: (root.pathname + "/" + String(page.url)).replace(/\/+/g, "/"),
                meta: page.meta || {}
              };
            });
          }
          return fragments[id];
        }
      };
    }

    function failed(error) {
      say(error && error.message === "file"
        ? T("Search works when the site is opened from a web server (for example with dap " +
            "serve), not from a file on disk. A measure can be found with the filter on the " +
            "page «Programme».")
        : T("Search is not available now: its index could not be loaded. Try reloading the " +
            "page."));
      list.textContent = "";
      more.parentNode.hidden = true;
    }

    /* A measure's reports ([anchor, heading, text] each): their own file in pagefind/reports/,
       named in the result's meta (issue 22: not in Pagefind's record), gzip-compressed like
       Pagefind's files. Without it (or in a browser that cannot decompress) the result shows
       the measure itself. */
    function reportsFile(name) {
      if (!name || !window.DecompressionStream) return Promise.resolve([]);
      return unzipped("reports/" + name + ".dap_reports").then(function (plain) {
        return plain.json();
      }).then(function (reports) {
        return Array.isArray(reports) ? reports : [];
      }).catch(function () { return []; });
    }

    /* The older reports are named in the result's meta, the daily ones in the daily index
       (in that order, which is the reports' order: the daily ones are the newest). */
    function reportsOf(result, data, index) {
      var name = (data.meta || {}).reports;
      var older = reportsFile(name && /^[0-9a-f]{32}$/.test(name) ? name : null);
      var newest = reportsFile(index ? index.reports(result.id) : null);
      return Promise.all([older, newest]).then(function (both) { return both[0].concat(both[1]); });
    }

    /* What a result shows: the measure, or the report of it that has more of the query's
       words than the measure's own text (linked to the report on the measure page). */
    function shownAs(data, reports) {
      var meta = data.meta || {};
      var best = { url: data.url, kind: meta.kind || "", title: meta.title || "", text: meta.text || "" };
      if (!reports.length) return best;
      var score = hits(best.title + " " + best.text, stems);
      for (var i = 0; i < reports.length && score < stems.length; i++) {
        if (!Array.isArray(reports[i]) || reports[i].length !== 3) continue;
        var found = hits(String(reports[i][2]), stems);
        if (found > score) {
          score = found;
          best = { url: data.url + "#" + reports[i][0], kind: T("Implementer's report"),
                   title: String(reports[i][1]), text: String(reports[i][2]) };
        }
      }
      return best;
    }

    function item(data, reports) {
      var shown = shownAs(data, reports);
      var li = el("li", { "class": "md-search-result__item" });
      var a = el("a", { "class": "md-search-result__link", "href": shown.url });
      var article = el("article", { "class": "md-search-result__article md-typeset" });
      article.appendChild(el("p", { "class": "dap-search-kind" }, shown.kind));
      article.appendChild(marked(el("h2", { "class": "dap-search-title" }), shown.title, stems));
      if (shown.text) article.appendChild(marked(el("p", {}), excerpt(shown.text, stems), stems));
      a.appendChild(article);
      a.addEventListener("click", function () { open(false); });
      li.appendChild(a);
      return li;
    }

    function showMore(ticket) {
      var next = shown.slice(list.children.length, list.children.length + PAGE);
      return Promise.all([loadDaily()].concat(next.map(function (r) { return r.data(); })))
        .then(function (got) {
          var index = got[0];
          return Promise.all(next.map(function (r, i) {
            var data = got[i + 1];
            return reportsOf(r, data, index).then(function (reports) { return [data, reports]; });
          }));
        }).then(function (items) {
        if (ticket !== asked) return;
        items.forEach(function (found) { list.appendChild(item(found[0], found[1])); });
        more.parentNode.hidden = list.children.length >= shown.length;
      });
    }

    function run() {
      var ticket = ++asked;
      var query = words(input.value).filter(searched).filter(function (w) {
        return stem(w).length > 0;
      });
      stems = query.map(stem);
      if (!stems.length) {
        shown = [];
        list.textContent = "";
        more.parentNode.hidden = true;
        say(T("Type a word to search for"));
        return;
      }
      say(T("Searching…"));
      Promise.all([load(), loadDaily(), loadChunks()]).then(function (got) {
        return searchQuery(got[0], got[1], query, pageOf, got[2]);
      }).then(function (answer) {
        if (ticket !== asked) return;
        stems = answer.stems;  /* what the results' words are marked by */
        shown = answer.found;
        list.textContent = "";
        var n = shown.length;
        say(n === 0
          ? T("Nothing found. Try another word or a measure number.")
          : P("{n} result found", n));
        return showMore(ticket);
      }).catch(function (error) {
        if (ticket === asked) failed(error);
      });
    }

    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 200);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      run();
      var first = list.querySelector("a");
      if (first) first.focus();
    });
    form.addEventListener("reset", function () {
      setTimeout(function () { run(); input.focus(); }, 0);
    });
    input.addEventListener("focus", function () {  /* on a wide screen the field is in the header */
      if (toggle && !toggle.checked) toggle.checked = true;
      load();  /* the index's entry while the reader types */
      loadDaily();
      loadChunks();
    });
    more.addEventListener("click", function () { showMore(asked); });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        open(false);
        event.preventDefault();
      }
    });
    if (toggle) {
      toggle.addEventListener("change", function () {
        if (toggle.checked) {
          input.focus();
          load();  /* the index's entry while the reader types */
          loadDaily();
          loadChunks();
        }
      });
    }
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey &&
          (event.key === "/" || event.key === "s" || event.key === "і")) {
        event.preventDefault();
        open(true);
      }
    });
  }

  function init() {
    var box = document.getElementById("dap-search");
    if (box && !box.hasAttribute("data-ready")) {
      box.setAttribute("data-ready", "");
      setup(box);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
