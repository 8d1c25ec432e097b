/* The screen pop (docs/embedding.md): a CTI or CRM opens
   /pop#number=<caller>&account=<slug>&kind=<kind>. The fragment never
   reaches a server or its logs; this script takes it out of the address
   and the history before anything else, then posts it to the lookup with
   the page's CSRF token, exactly as the search box does. Signed out, it is
   kept in this tab's sessionStorage for a few minutes, taken once, and the
   sign-in page opens with a plain ?next=/pop. */
(function () {
  "use strict";
  var KEY = "xpc-pop";
  var KEEP_MS = 15 * 60 * 1000;

  function fromFragment() {
    var hash = window.location.hash;
    if (!hash || hash.length < 2) return null;
    // Out of the address bar and the history entry first, found or not.
    window.history.replaceState(window.history.state, "",
      window.location.pathname + window.location.search);
    var params = new URLSearchParams(hash.slice(1));
    // Desktops often give the caller as a URI: tel:+12125550100;ext=1 or
    // sip:+12125550100@carrier.example; the agent would type the number.
    var number = (params.get("number") || params.get("query") || "")
      .replace(/^(tel|sips?):/i, "").replace(/[;@].*$/, "");
    return {
      number: number.trim().slice(0, 100),
      account: (params.get("account") || "").slice(0, 50),
      kind: (params.get("kind") || "").slice(0, 30),
      at: Date.now()
    };
  }

  function takeKept() {
    var kept = null;
    try {
      kept = JSON.parse(window.sessionStorage.getItem(KEY) || "null");
      window.sessionStorage.removeItem(KEY);
    } catch (ignored) {
      return null;
    }
    if (!kept || typeof kept.at !== "number" || Date.now() - kept.at > KEEP_MS) return null;
    return kept;
  }

  function keep(pop) {
    try {
      window.sessionStorage.setItem(KEY, JSON.stringify(pop));
    } catch (ignored) { /* storage refused: the agent types the number */ }
  }

  function choose(field, value) {
    // Only a value the agent may use: an account the page offers, a kind
    // the form knows. Anything else leaves the form's own default.
    if (!field || !value) return;
    if (field.tagName === "SELECT") {
      var known = Array.prototype.some.call(field.options, function (option) {
        return option.value === value;
      });
      if (known) field.value = value;
    }
  }

  function lookUp(pop) {
    var card = document.querySelector("[data-pop]");
    if (!card) return;
    if (card.getAttribute("data-pop") === "signed-out") {
      if (pop && pop.number) {
        keep(pop);
        window.location.replace(card.getAttribute("data-sign-in"));
      }
      return;
    }
    var form = card.querySelector("form.lookup-form");
    var note = card.querySelector("[data-pop-note]");
    if (!form) return;
    if (!pop) {
      form.elements.query.focus();
      return;
    }
    if (!pop.number) {
      if (note) note.textContent = note.getAttribute("data-pop-missing");
      form.elements.query.focus();
      return;
    }
    form.elements.query.value = pop.number;
    choose(form.elements.kind, pop.kind);
    choose(form.elements.account, pop.account);
    if (note) note.textContent = note.getAttribute("data-pop-note");
    form.requestSubmit();
  }

  var pop = fromFragment();
  function start() {
    lookUp(pop || takeKept());
    pop = null;
  }
  if (document.readyState === "loading") {
    // After console.js (deferred), whose submit handler shows the busy state.
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  // The desktop pops the next caller into the same frame: only the fragment
  // changes, so the page is not loaded again.
  window.addEventListener("hashchange", function () {
    var next = fromFragment();
    if (next) lookUp(next);
  });
}());
