/* Django's filter widget (admin/js/SelectFilter2.js, the "available" and
   "chosen" lists of a many-to-many field) names its filter boxes with a
   <span aria-label> inside their <label>; ARIA allows aria-label only on an
   element with a role, so axe-core reports it (aria-prohibited-attr) and a
   screen reader may ignore the name. The widget is built by script on
   window load; each such span is given role="img" here as it appears, so
   the label's name is the span's words. */
(function () {
  "use strict";
  var SELECTOR = ".search-label-icon[aria-label]:not([role])";
  function name(root) {
    root.querySelectorAll(SELECTOR).forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    name(document);
    new MutationObserver(function () { name(document); }).observe(
      document.body, { childList: true, subtree: true });
  });
})();
