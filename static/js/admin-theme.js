/* The admin in the person's colour theme (interactions/preferences.py).
   Django's admin renders <html> itself, so the theme the server chose comes
   on this script's tag and is set on <html> here, synchronously in <head>,
   before anything is painted: no flash of the other theme. It replaces
   Django's admin/js/theme.js, which kept the choice in this browser's
   localStorage; here it follows the person to any browser. */
(function () {
  "use strict";
  var theme = document.currentScript && document.currentScript.dataset.theme;
  if (theme === "light" || theme === "dark" || theme === "auto") {
    document.documentElement.dataset.theme = theme;
  }
})();
