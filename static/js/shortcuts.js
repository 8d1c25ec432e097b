/* X-Platform console: the interaction page's keyboard shortcuts and their
   list ("?", a modal dialog: includes/shortcuts.html).

   Single keys act only when no field has focus, no dialog is open, and no
   Ctrl, Alt or Cmd key is held (those belong to the browser and to screen
   readers); they can be turned off in the list (WCAG 2.1.4), a choice kept
   in this browser. "/" (a new lookup) lives in console.js, with the same
   switch. Plain JavaScript from static/ (CSP without 'unsafe-inline'). */
(function () {
  "use strict";

  var STORE = "xpc.singleKeyShortcuts";
  var dialog = document.getElementById("shortcuts");
  if (!dialog) return;
  var toggle = dialog.querySelector("[data-shortcuts-toggle]");
  var returnTo = null;
  var returnKey = null;
  var lastPhoto = -1;

  function singleKeysOn() {
    try { return window.localStorage.getItem(STORE) !== "off"; } catch (e) { return true; }
  }

  function setSingleKeys(on) {
    try {
      if (on) window.localStorage.removeItem(STORE);
      else window.localStorage.setItem(STORE, "off");
    } catch (e) { /* private mode: the choice lasts for this page only */ }
  }

  function typing(node) {
    if (!node || !node.tagName) return false;
    var tag = node.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || node.isContentEditable;
  }

  /* Going to a panel opens it and moves focus to its heading, so the next
     Tab continues inside it. */
  function goTo(node) {
    if (!node) return;
    var panel = node.closest("details");
    if (panel) panel.open = true;
    node.scrollIntoView({ block: "start" });
    node.focus({ preventScroll: true });
  }

  function panel(id) {
    return function () { goTo(document.querySelector("#" + id + " > summary")); };
  }

  function thumbs() {
    return Array.prototype.slice.call(document.querySelectorAll(".photo:not(.is-broken) .thumb"));
  }

  /* The first photo, or the one after the photo that has focus (or was
     opened last), in the photo viewer; without photos, the Photos panel. */
  function openPhoto(first) {
    var list = thumbs();
    if (!list.length) {
      panel("panel-photos")();
      return;
    }
    var focused = list.indexOf(document.activeElement);
    var from = focused !== -1 ? focused : lastPhoto;
    var index = first ? 0 : (from + 1) % list.length;
    lastPhoto = index;
    var panelOf = list[index].closest("details");
    if (panelOf) panelOf.open = true;
    list[index].focus({ preventScroll: true });
    list[index].click();
  }

  function copySummary() {
    var button = document.getElementById("copy-summary");
    if (button) button.click();
  }

  var ACTIONS = {
    "?": openList,
    "s": copySummary,
    "g": function () { goTo(document.getElementById("glance")); },
    "t": panel("panel-timeline"),
    "p": panel("panel-photos"),
    "a": panel("panel-answers"),
    "v": panel("panel-variables"),
    "o": function () { openPhoto(true); },
    "n": function () { openPhoto(false); }
  };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target) || document.querySelector("dialog[open]")) return;
    var action = Object.prototype.hasOwnProperty.call(ACTIONS, event.key) ? ACTIONS[event.key] : null;
    if (!action || !singleKeysOn()) return;
    event.preventDefault();
    action();
  });

  /* The list: a modal dialog; Tab stays inside it, Esc closes it, and
     focus goes back where it was (or to the same control, if a live
     refresh redrew it meanwhile). */
  function openList() {
    if (dialog.open) return;
    returnTo = document.activeElement;
    var keyed = returnTo && returnTo.closest ? returnTo.closest("[data-focus-key]") : null;
    returnKey = keyed ? keyed.getAttribute("data-focus-key") : null;
    if (toggle) toggle.checked = singleKeysOn();
    dialog.showModal();
    var start = dialog.querySelector("[data-shortcuts-close]");
    if (start) start.focus();
  }

  function focusables() {
    return Array.prototype.filter.call(
      dialog.querySelectorAll("a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])"),
      function (node) { return !node.disabled && node.getClientRects().length > 0; });
  }

  dialog.addEventListener("keydown", function (event) {
    if (event.key !== "Tab") return;
    var items = focusables();
    if (!items.length) return;
    var first = items[0];
    var last = items[items.length - 1];
    var inside = dialog.contains(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  });

  dialog.addEventListener("close", function () {
    // The close event comes a moment after Escape: a key pressed meanwhile
    // (a shortcut) may have moved the focus on, and keeps it there.
    var active = document.activeElement;
    if (active && active !== document.body && !dialog.contains(active) && active !== returnTo) {
      returnTo = null;
      returnKey = null;
      return;
    }
    var back = returnTo && returnTo.isConnected && returnTo !== document.body ? returnTo : null;
    if (!back && returnKey) back = document.querySelector('[data-focus-key="' + (window.CSS && CSS.escape ? CSS.escape(returnKey) : returnKey) + '"]');
    if (!back) back = document.querySelector("[data-shortcuts-open]");
    if (back) back.focus();
    returnTo = null;
    returnKey = null;
  });

  dialog.addEventListener("click", function (event) {
    // A click on the backdrop (the dialog box itself, outside its frame) closes it.
    if (event.target === dialog) dialog.close();
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    if (event.target.closest("[data-shortcuts-open]")) openList();
    else if (event.target.closest("[data-shortcuts-close]")) dialog.close();
  });

  if (toggle) {
    toggle.checked = singleKeysOn();
    toggle.addEventListener("change", function () { setSingleKeys(toggle.checked); });
  }
})();
