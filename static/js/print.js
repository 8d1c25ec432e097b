/* Printing a page shows everything: the folded parts (<details>, the
   panels an agent closed and the "variables not set" rows) open just before
   the browser prints and close again afterwards, as the agent left them.
   static/css/console.css (@media print) does the rest; its
   ::details-content rule covers browsers that print without these events. */
(function () {
  "use strict";
  var opened = [];

  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (node) {
      node.open = true;
      opened.push(node);
    });
  });

  window.addEventListener("afterprint", function () {
    opened.forEach(function (node) { node.open = false; });
    opened = [];
  });
})();
