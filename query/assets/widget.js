/* veille search widget: embed with
 *   <div id="search"></div>
 *   <script src="http://search-host:8080/widget.js" data-target="#search"></script>
 * Options (data- attributes on the script tag): data-target (a CSS selector; default:
 * right after the script), data-limit (hits shown, default 8), data-placeholder,
 * data-lang (en or fr; default: the page's <html lang>, else the browser's language),
 * data-token (sent in the X-Veille-Token header, for a server started with --token-file).
 * Self-contained: no dependencies, no build step. Text from the server is never
 * inserted as HTML: snippets are rebuilt from text nodes and <mark> elements only.
 * Accessible as a search box, a status line and a plain list of links: each result
 * is named by its title, its source, date and snippet are its description.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  // The server puts the labels of every language here (query/assets/labels.json).
  var LABELS = /*LABELS*/{"en": {}}/*END*/;
  var base = script.src.replace(/\/widget\.js(\?.*)?$/, "");
  var limit = Math.min(Math.max(parseInt(script.getAttribute("data-limit") || "8", 10) || 8, 1), 100);
  var token = script.getAttribute("data-token");
  var headers = token ? { "X-Veille-Token": token } : {};
  var DEBOUNCE_MS = 200;
  var MIN_CHARS = 3;  // shorter queries are not searched: they match everything
  var uid = "veille-" + Math.random().toString(36).slice(2, 9);

  function language() {
    var wanted = [script.getAttribute("data-lang"), document.documentElement.lang]
      .concat(navigator.languages || [navigator.language]);
    for (var i = 0; i < wanted.length; i++) {
      var code = (wanted[i] || "").toLowerCase().split("-")[0];
      if (LABELS[code]) { return code; }
    }
    return "en";
  }
  var lang = language();
  function t(name, values) {
    var text = (LABELS[lang] || {})[name] || (LABELS.en || {})[name] || name;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }
  var placeholder = script.getAttribute("data-placeholder") || t("w_placeholder");

  // The widget has its own background and colours: a dark intranet page does not make
  // its text unreadable. It follows the reader's dark mode.
  var STYLE =
    ".veille-widget{font:16px/1.4 system-ui,sans-serif;max-width:46rem;color:#1a1a1a;" +
    "background:#fff;padding:.75rem;border-radius:6px;color-scheme:light}" +
    ".veille-widget label{display:block;font-weight:600;margin-bottom:.25rem}" +
    ".veille-widget input{box-sizing:border-box;width:100%;font:inherit;padding:.5rem .6rem;" +
    "border:1px solid #767676;border-radius:4px;background:#fff;color:#1a1a1a}" +
    ".veille-widget input:focus,.veille-widget a:focus,.veille-widget button:focus" +
    "{outline:2px solid #1a5fb4;outline-offset:1px}" +
    ".veille-widget .veille-status{margin:.4rem 0;color:#444;min-height:1.2em}" +
    ".veille-widget .veille-status.veille-error{color:#a51d2d}" +
    ".veille-widget ul{list-style:none;margin:0;padding:0}" +
    ".veille-widget li{padding:.5rem .6rem;border-radius:4px}" +
    ".veille-widget li:focus-within{background:#e8f0fb}" +
    ".veille-widget a{color:#1a5fb4;font-weight:600;text-decoration:none}" +
    ".veille-widget a:hover{text-decoration:underline}" +
    ".veille-widget .veille-snippet{margin:.2rem 0 0;font-size:.92em}" +
    ".veille-widget .veille-meta,.veille-widget .veille-versions,.veille-widget .veille-missing" +
    "{margin:.1rem 0 0;font-size:.8em;color:#555}" +
    ".veille-widget .veille-hints{margin:0 0 .3rem;font-size:.9em}" +
    ".veille-widget .veille-hint{font:inherit;margin:0 .3rem .2rem 0;padding:.1rem .5rem;" +
    "border:1px solid #767676;border-radius:1rem;background:#f6f6f6;color:#1a1a1a;cursor:pointer}" +
    ".veille-widget mark{background:#fce883;color:#1a1a1a;padding:0 .1em}" +
    "@media (prefers-color-scheme: dark){" +
    ".veille-widget{background:#1e1e1e;color:#f0f0f0;color-scheme:dark}" +
    ".veille-widget input{background:#2a2a2a;color:#f0f0f0;border-color:#9a9a9a}" +
    ".veille-widget .veille-status{color:#d0d0d0}" +
    ".veille-widget .veille-status.veille-error{color:#ff9b9b}" +
    ".veille-widget li:focus-within{background:#23324a}" +
    ".veille-widget a{color:#8ab4f8}" +
    ".veille-widget .veille-meta,.veille-widget .veille-versions,.veille-widget .veille-missing" +
    "{color:#c4c4c4}" +
    ".veille-widget .veille-hint{background:#2a2a2a;color:#f0f0f0;border-color:#9a9a9a}" +
    ".veille-widget mark{background:#fce883;color:#1a1a1a}}";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // Rebuild a server snippet ("escaped text with <mark>") from text and <mark> only.
  function snippetNode(html, id) {
    var template = document.createElement("template");
    template.innerHTML = html; // inert: nothing in a template runs or loads
    var out = el("p", { "class": "veille-snippet", id: id });
    template.content.childNodes.forEach(function (child) {
      if (child.nodeType === 1 && child.tagName === "MARK") {
        out.appendChild(el("mark", {}, child.textContent));
      } else {
        out.appendChild(document.createTextNode(child.textContent));
      }
    });
    return out;
  }

  function mount(target) {
    if (!document.getElementById("veille-style")) {
      var style = el("style", { id: "veille-style" });
      style.textContent = STYLE;
      document.head.appendChild(style);
    }
    var root = el("div", { "class": "veille-widget", role: "search", lang: lang });
    var label = el("label", { "for": uid + "-input" }, t("w_label"));
    var input = el("input", {
      id: uid + "-input", type: "search", autocomplete: "off", spellcheck: "false",
      placeholder: placeholder
    });
    var status = el("p", { "class": "veille-status", role: "status", "aria-live": "polite" });
    var hints = el("p", { "class": "veille-hints" });  // completions of the last word
    var dym = el("p", { "class": "veille-hints" });  // did you mean
    var list = el("ul", { id: uid + "-list", "aria-label": t("w_results") });
    root.appendChild(label);
    root.appendChild(input);
    root.appendChild(status);
    root.appendChild(hints);
    root.appendChild(dym);
    root.appendChild(list);
    target.appendChild(root);

    var timer = null, seq = 0, controller = null;

    // A button that puts words in the box and searches them (completions, did-you-mean).
    function hintButton(text, label, value) {
      var button = el("button", { type: "button", "class": "veille-hint" }, text);
      if (label) { button.setAttribute("aria-label", label); }
      button.addEventListener("click", function () {
        input.value = value;
        input.focus();
        clearTimeout(timer);
        run(value);
      });
      return button;
    }

    function showCompletions(query, words) {
      hints.textContent = "";
      var typed = query.split(/\s+/);
      words.slice(0, 5).forEach(function (word) {
        if (word.toLowerCase() === typed[typed.length - 1].toLowerCase()) { return; }
        var value = typed.slice(0, -1).concat([word]).join(" ");
        hints.appendChild(hintButton(word, t("w_complete_with", { word: word }), value));
      });
    }

    function complete(query, mine) {
      fetch(base + "/suggest?limit=5&prefix=" + encodeURIComponent(query), { headers: headers })
        .then(function (response) { return response.ok ? response.json() : { completions: [] }; })
        .then(function (body) { if (mine === seq) { showCompletions(query, body.completions || []); } })
        .catch(function () {});
    }

    function links() { return list.querySelectorAll("a.veille-title"); }

    // Stop what is pending (the timer and the request) so nothing comes back later.
    function cancel() {
      clearTimeout(timer);
      seq++;
      if (controller) { controller.abort(); controller = null; }
    }

    function clear(message, isError) {
      list.textContent = "";
      dym.textContent = "";
      status.textContent = message || "";
      status.className = "veille-status" + (isError ? " veille-error" : "");
    }

    function docUrl(hit, query) {
      return base + "/doc?path=" + encodeURIComponent(hit.path) + "&q=" + encodeURIComponent(query) +
        (lang !== "en" ? "&lang=" + lang : "");
    }

    function summary(data) {
      var more = data.total_is_lower_bound ? "+" : "";
      var n = data.total.toLocaleString(lang) + more;
      var line = t(data.total === 1 && !more ? "result" : "results", { n: n });
      if (data.total > data.hits.length) { line += ", " + t("w_best_shown", { shown: data.hits.length }); }
      return line + ".";
    }

    function render(data, query) {
      clear();
      var said = [];
      if (data.suggestion) {
        dym.appendChild(document.createTextNode(t("did_you_mean") + " "));
        dym.appendChild(hintButton(data.suggestion, t("w_search_for", { query: data.suggestion }),
          data.suggestion));
      }
      said.push(data.total ? summary(data) : t("no_results", { query: query }));
      if (data.suggestion) { said.push(t("w_did_you_mean", { query: data.suggestion })); }
      if (data.partial) { said.push(t("partial")); }
      status.textContent = said.join(" ");
      data.hits.forEach(function (hit, i) {
        var id = uid + "-hit-" + i;
        var item = el("li");
        var described = [];
        var link = el("a", { href: docUrl(hit, query), "class": "veille-title" }, hit.title);
        item.appendChild(link);
        var day = hit.date && hit.date_from === "file" ? hit.date + " (" + t("file_date") + ")" : hit.date;
        var meta = [hit.source, day].filter(Boolean).join(" · ");
        if (meta) {
          item.appendChild(el("p", { "class": "veille-meta", id: id + "-meta" }, meta));
          described.push(id + "-meta");
        }
        item.appendChild(snippetNode(hit.snippet || "", id + "-snippet"));
        described.push(id + "-snippet");
        if ((hit.missing || []).length) {
          var lacking = el("p", { "class": "veille-missing", id: id + "-missing" }, t("missing") + " ");
          hit.missing.forEach(function (word, k) {
            if (k) { lacking.appendChild(document.createTextNode(" ")); }
            lacking.appendChild(el("s", {}, word));
          });
          item.appendChild(lacking);
          described.push(id + "-missing");
        }
        var others = (hit.duplicates || []).length;
        if (others) {
          item.appendChild(el("p", { "class": "veille-versions" },
            others === 1 ? t("w_other_version") : t("w_other_versions", { n: others })));
        }
        link.setAttribute("aria-describedby", described.join(" "));
        list.appendChild(item);
      });
    }

    // A request the browser refuses (CORS) looks like a network failure: a request
    // without CORS that gets through shows the server is up and this page not allowed.
    function explainFailure(mine) {
      fetch(base + "/healthz", { mode: "no-cors" })
        .then(function () { if (mine === seq) { clear(t("w_not_allowed"), true); } })
        .catch(function () { if (mine === seq) { clear(t("w_unavailable"), true); } });
    }

    function run(query) {
      cancel();
      var mine = seq;
      controller = typeof AbortController === "function" ? new AbortController() : null;
      complete(query, mine);
      var url = base + "/search?limit=" + limit + "&q=" + encodeURIComponent(query);
      var init = { headers: headers };
      if (controller) { init.signal = controller.signal; }
      fetch(url, init)
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; },
            function () { return { ok: false, body: { error: String(response.status) } }; });
        })
        .then(function (answer) {
          if (mine !== seq) { return; }
          if (!answer.ok) { clear(t("w_failed", { error: answer.body.error || "?" }), true); return; }
          render(answer.body, query);
        })
        .catch(function (err) {
          if (mine !== seq || (err && err.name === "AbortError")) { return; }
          explainFailure(mine);
        });
    }

    input.addEventListener("input", function () {
      cancel();
      var query = input.value.trim();
      if (query.length < MIN_CHARS) { hints.textContent = ""; clear(); return; }
      timer = setTimeout(function () { run(query); }, DEBOUNCE_MS);
    });

    function moveFocus(step) {
      var all = Array.prototype.slice.call(links());
      if (!all.length) { return; }
      var at = all.indexOf(document.activeElement);
      var next = at + step;
      if (next < 0) { input.focus(); return; }
      all[Math.min(next, all.length - 1)].focus();
    }

    root.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); moveFocus(1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); moveFocus(-1); }
      else if (e.key === "Escape") {
        cancel();
        input.value = "";
        hints.textContent = "";
        clear();
        input.focus();
      }
      else if (e.key === "Enter" && e.target === input && input.value.trim().length >= MIN_CHARS) {
        e.preventDefault();
        run(input.value.trim());
      }
    });
  }

  function start() {
    var selector = script.getAttribute("data-target");
    var target = selector ? document.querySelector(selector) : null;
    if (!target) {
      target = el("div");
      script.parentNode.insertBefore(target, script.nextSibling);
    }
    mount(target);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
