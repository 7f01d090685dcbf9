// sitrep web UI: a few helpers on top of htmx. Every page works without this file (and
// without htmx): evidence links then open the article page with the sentence marked.
(function () {
  "use strict";
  if (window.htmx) {
    // Show 4xx/5xx fragments (an unknown article, a bad span) in the panel too.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "[45]..", swap: true, error: true },
    ];
  }
  function panel() {
    return document.getElementById("evidence");
  }
  document.addEventListener("htmx:beforeRequest", function (ev) {
    var el = ev.detail.elt;
    var p = panel();
    if (!p || !el || !el.closest) return;
    document.querySelectorAll(".selected").forEach(function (n) {
      n.classList.remove("selected");
    });
    (el.closest(".event, li, tr") || el).classList.add("selected");
    p.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterSwap", function (ev) {
    var p = ev.detail.target;
    if (!p || p.id !== "evidence") return;
    p.removeAttribute("aria-busy");
    var mark = p.querySelector("mark.evidence");
    if (!mark) return;
    if (p.scrollHeight > p.clientHeight + 1) {
      // The panel scrolls by itself: bring the sentence to its upper third, leave the page.
      var d = mark.getBoundingClientRect().top - p.getBoundingClientRect().top;
      p.scrollTop += d - p.clientHeight / 3;
    } else {
      mark.scrollIntoView({ block: "center" });
    }
  });
})();
