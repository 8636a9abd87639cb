/// The console's own stylesheet and script (no third-party code): served at
/// `/assets/console.css` and `/assets/console.js`.
enum ConsoleAssets {
    /// Plain, readable on a phone (tables scroll sideways), visible focus for the keyboard.
    static let stylesheet = """
        :root { --fg: #1b1f23; --muted: #57606a; --line: #d0d7de; --accent: #0550ae; --bad: #a40e26; --ok: #1a7f37; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: #fff; }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .5rem 1rem; border-bottom: 1px solid var(--line); }
        .brand { font-weight: 700; }
        nav { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; flex: 1; }
        nav ul { display: flex; flex-wrap: wrap; gap: .25rem .75rem; list-style: none; margin: 0; padding: 0; flex: 1; }
        nav a { color: var(--accent); text-decoration: none; padding: .2rem .1rem; }
        nav a[aria-current] { font-weight: 700; border-bottom: 2px solid var(--accent); }
        .who { display: flex; gap: .5rem; align-items: center; }
        main { padding: 0 1rem 2rem; max-width: 100rem; }
        h1 { font-size: 1.35rem; } h2 { font-size: 1.1rem; margin-top: 1.5rem; }
        a:focus, button:focus, input:focus, select:focus, textarea:focus { outline: 3px solid #f0b400; outline-offset: 1px; }
        .skip { position: absolute; left: -999px; } .skip:focus { left: .5rem; top: .5rem; background: #fff; padding: .25rem; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: .92rem; }
        th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th a { color: inherit; } td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
        form.filters, form.inline { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin: .5rem 0; }
        form.inline { display: inline-flex; margin: 0; }
        label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); }
        input, select, button, textarea { font: inherit; padding: .3rem .45rem; }
        button { cursor: pointer; } button.danger { color: #fff; background: var(--bad); border: 1px solid var(--bad); }
        .problem { color: var(--bad); font-weight: 600; margin: .25rem 0; }
        .flash { color: var(--ok); font-weight: 600; }
        .muted, .pager { color: var(--muted); }
        .pager { display: flex; gap: 1rem; align-items: center; margin: .5rem 0; }
        .live { font-size: .8rem; color: var(--muted); }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { color: var(--muted); }
        .field { margin: .6rem 0; } .field input { max-width: 20rem; }
        svg.chart { display: block; width: 100%; max-width: 48rem; height: auto; margin: .5rem 0; }
        @media (max-width: 40rem) { header { padding: .5rem; } main { padding: 0 .5rem 2rem; } th, td { padding: .25rem; } }
        """

    /// Live updates by Server-Sent Events (an element with `data-stream` is refreshed from its
    /// URL), and countdowns (every `data-expires` cell counts down each second).
    static let script = """
        "use strict";
        function formatSeconds(s) {
          if (s <= 0) return "0s";
          var h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;
          var p = function (n) { return n < 10 ? "0" + n : "" + n; };
          return h > 0 ? h + "h " + p(m) + "m " + p(r) + "s" : m > 0 ? m + "m " + p(r) + "s" : r + "s";
        }
        function tick() {
          var cells = document.querySelectorAll("[data-expires]");
          for (var i = 0; i < cells.length; i++) {
            var left = parseInt(cells[i].getAttribute("data-expires"), 10) - 1;
            cells[i].setAttribute("data-expires", String(Math.max(0, left)));
            cells[i].textContent = formatSeconds(left);
          }
        }
        function follow(target) {
          var source = new EventSource(target.getAttribute("data-stream"));
          var state = document.getElementById(target.getAttribute("data-state") || "");
          source.onopen = function () { if (state) state.textContent = "live"; };
          source.onerror = function () { if (state) state.textContent = "reconnecting…"; };
          source.onmessage = function (message) {
            var update = JSON.parse(message.data);
            target.innerHTML = update.html;
            if (update.summary !== undefined) {
              var summary = document.getElementById(target.getAttribute("data-summary") || "");
              if (summary) summary.textContent = update.summary;
            }
          };
        }
        document.addEventListener("DOMContentLoaded", function () {
          var streams = document.querySelectorAll("[data-stream]");
          for (var i = 0; i < streams.length; i++) follow(streams[i]);
          setInterval(tick, 1000);
        });
        """
}
