/* veille search widget: embed with
 *   <div id="search"></div>
 *   <script src="http://search-host:8080/widget.js" data-target="#search"></script>
 * Options (data- attributes on the script tag): data-target (a CSS selector; default:
 * right after the script), data-limit (hits shown, default 8), data-placeholder,
 * data-token (sent in the X-Veille-Token header, for a server started with --token-file).
 * Self-contained: no dependencies, no build step. Text from the server is never
 * inserted as HTML: snippets are rebuilt from text nodes and <mark> elements only.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = script.src.replace(/\/widget\.js(\?.*)?$/, "");
  var limit = Math.min(Math.max(parseInt(script.getAttribute("data-limit") || "8", 10) || 8, 1), 100);
  var placeholder = script.getAttribute("data-placeholder") || "Search the news archive";
  var token = script.getAttribute("data-token");
  var headers = token ? { "X-Veille-Token": token } : {};
  var DEBOUNCE_MS = 200;
  var uid = "veille-" + Math.random().toString(36).slice(2, 9);

  var STYLE =
    ".veille-widget{font:16px/1.4 system-ui,sans-serif;max-width:46rem;color:#1a1a1a}" +
    ".veille-widget label{display:block;font-weight:600;margin-bottom:.25rem}" +
    ".veille-widget input{box-sizing:border-box;width:100%;font:inherit;padding:.5rem .6rem;" +
    "border:1px solid #767676;border-radius:4px}" +
    ".veille-widget input:focus{outline:2px solid #1a5fb4;outline-offset:1px}" +
    ".veille-widget .veille-status{margin:.4rem 0;color:#444;min-height:1.2em}" +
    ".veille-widget .veille-status.veille-error{color:#a51d2d}" +
    ".veille-widget ul{list-style:none;margin:0;padding:0}" +
    ".veille-widget li{padding:.5rem .6rem;border-radius:4px;cursor:pointer}" +
    ".veille-widget li[aria-selected=true]{background:#e8f0fb;outline:1px solid #1a5fb4}" +
    ".veille-widget a{color:#1a5fb4;font-weight:600;text-decoration:none}" +
    ".veille-widget a:hover{text-decoration:underline}" +
    ".veille-widget .veille-snippet{margin:.2rem 0 0;font-size:.92em}" +
    ".veille-widget .veille-meta{margin:.1rem 0 0;font-size:.8em;color:#555}" +
    ".veille-widget .veille-versions{margin:.1rem 0 0;font-size:.8em;color:#555}" +
    ".veille-widget .veille-missing{margin:.1rem 0 0;font-size:.8em;color:#555}" +
    ".veille-widget .veille-hints{margin:0 0 .3rem;font-size:.9em}" +
    ".veille-widget .veille-hint{font:inherit;margin:0 .3rem .2rem 0;padding:.1rem .5rem;" +
    "border:1px solid #767676;border-radius:1rem;background:#f6f6f6;cursor:pointer}" +
    ".veille-widget mark{background:#fce883;color:inherit;padding:0 .1em}" +
    ".veille-widget .veille-more{font-size:.85em;color:#555}";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // Rebuild a server snippet ("escaped text with <mark>") from text and <mark> only.
  function snippetNode(html) {
    var template = document.createElement("template");
    template.innerHTML = html; // inert: nothing in a template runs or loads
    var out = el("p", { "class": "veille-snippet" });
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
    var root = el("div", { "class": "veille-widget", role: "search" });
    var label = el("label", { "for": uid + "-input" }, "Search");
    var input = el("input", {
      id: uid + "-input", type: "search", autocomplete: "off", spellcheck: "false",
      placeholder: placeholder, role: "combobox", "aria-autocomplete": "list",
      "aria-expanded": "false", "aria-controls": uid + "-list"
    });
    var status = el("p", { "class": "veille-status", role: "status", "aria-live": "polite" });
    var hints = el("p", { "class": "veille-hints" });  // completions of the last word
    var dym = el("p", { "class": "veille-hints" });  // did you mean
    var list = el("ul", { id: uid + "-list", role: "listbox", "aria-label": "Search results" });
    root.appendChild(label);
    root.appendChild(input);
    root.appendChild(status);
    root.appendChild(hints);
    root.appendChild(dym);
    root.appendChild(list);
    target.appendChild(root);

    var timer = null, seq = 0, active = -1, controller = null;

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
        hints.appendChild(hintButton(word, "Complete with " + word, value));
      });
    }

    function complete(query, mine) {
      fetch(base + "/suggest?limit=5&prefix=" + encodeURIComponent(query), { headers: headers })
        .then(function (response) { return response.ok ? response.json() : { completions: [] }; })
        .then(function (body) { if (mine === seq) { showCompletions(query, body.completions || []); } })
        .catch(function () {});
    }

    function options() { return list.querySelectorAll("[role=option]"); }

    function setActive(index) {
      var opts = options();
      if (!opts.length) { return; }
      active = (index + opts.length) % opts.length;
      opts.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }

    function clear(message, isError) {
      list.textContent = "";
      dym.textContent = "";
      if (!message && !input.value.trim()) { hints.textContent = ""; }
      active = -1;
      input.removeAttribute("aria-activedescendant");
      input.setAttribute("aria-expanded", "false");
      status.textContent = message || "";
      status.className = "veille-status" + (isError ? " veille-error" : "");
    }

    function docUrl(hit, query) {
      return base + "/doc?path=" + encodeURIComponent(hit.path) + "&q=" + encodeURIComponent(query);
    }

    function render(data, query) {
      clear();
      if (data.suggestion) {
        dym.appendChild(document.createTextNode("Did you mean "));
        dym.appendChild(hintButton(data.suggestion, "Search " + data.suggestion, data.suggestion));
      }
      if (!data.total) {
        status.textContent = "No results for “" + query + "”.";
        return;
      }
      var more = data.total_is_lower_bound ? "+" : "";
      status.textContent = data.total.toLocaleString("en") + more +
        (data.total === 1 && !more ? " result" : " results") +
        (data.total > data.hits.length ? ", best " + data.hits.length + " shown" : "");
      data.hits.forEach(function (hit, i) {
        var item = el("li", { id: uid + "-opt-" + i, role: "option", "aria-selected": "false" });
        var link = el("a", { href: docUrl(hit, query) }, hit.title);
        item.appendChild(link);
        var meta = [hit.source, hit.date].filter(Boolean).join(" · ");
        if (meta) { item.appendChild(el("p", { "class": "veille-meta" }, meta)); }
        item.appendChild(snippetNode(hit.snippet || ""));
        if ((hit.missing || []).length) {
          var lacking = el("p", { "class": "veille-missing" }, "Missing: ");
          hit.missing.forEach(function (word, k) {
            if (k) { lacking.appendChild(document.createTextNode(" ")); }
            lacking.appendChild(el("s", {}, word));
          });
          item.appendChild(lacking);
        }
        var others = (hit.duplicates || []).length;
        if (others) {
          item.appendChild(el("p", { "class": "veille-versions" },
            "+" + others + " other version" + (others === 1 ? "" : "s")));
        }
        item.addEventListener("mousedown", function (e) {
          if (e.target !== link) { e.preventDefault(); link.click(); }
        });
        list.appendChild(item);
      });
      input.setAttribute("aria-expanded", "true");
    }

    function run(query) {
      var mine = ++seq;
      if (controller) { controller.abort(); }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      status.textContent = "Searching…";
      status.className = "veille-status";
      complete(query, mine);
      var url = base + "/search?limit=" + limit + "&q=" + encodeURIComponent(query);
      fetch(url, controller ? { signal: controller.signal, headers: headers } : { headers: headers })
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; },
            function () { return { ok: false, body: { error: "the server answered " + response.status } }; });
        })
        .then(function (answer) {
          if (mine !== seq) { return; }
          if (!answer.ok) { clear(answer.body.error || "Search failed.", true); return; }
          render(answer.body, query);
        })
        .catch(function (err) {
          if (mine !== seq || (err && err.name === "AbortError")) { return; }
          clear("Search is unavailable right now (network error).", true);
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value.trim();
      if (!query) { seq++; clear(); return; }
      timer = setTimeout(function () { run(query); }, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); setActive(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); setActive(active - 1); }
      else if (e.key === "Enter") {
        var opts = options();
        if (active >= 0 && opts[active]) {
          e.preventDefault();
          opts[active].querySelector("a").click();
        } else if (input.value.trim()) {
          e.preventDefault(); clearTimeout(timer); run(input.value.trim());
        }
      } else if (e.key === "Escape") { input.value = ""; seq++; clear(); }
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
