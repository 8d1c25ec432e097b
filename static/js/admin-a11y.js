/* Small accessibility mends for markup Django's admin builds by script
   (docs/accessibility.md, "Known exceptions": the Django admin). Loaded
   with defer from templates/admin/base_site.html; no inline script, so the
   Content Security Policy stays as it is. Each mend runs once on the page
   and again whenever a script adds elements (a MutationObserver): the
   widgets below are drawn after load, and again for each inline row
   added with "Add another". */
(function () {
  "use strict";
  // The page's words for yes, no and unknown, from Django's catalogue
  // (templates/admin/base_site.html puts them on this script's tag).
  var words = document.currentScript ? document.currentScript.dataset : {};

  /* Django draws a yes/no field (a list column, a read-only field) as an
     icon whose alt text is Python's True, False or None, in English in
     every language (admin_list._boolean_icon). Each is said in the page's
     language: Yes, No, Unknown. */
  var BOOLEAN_ICONS = { yes: "True", no: "False", unknown: "None" };
  function sayBooleans(root) {
    Object.keys(BOOLEAN_ICONS).forEach(function (icon) {
      if (!words[icon]) return;
      // "/icon-yes." also matches the hashed name collectstatic gives it.
      root.querySelectorAll('img[src*="/icon-' + icon + '."][alt="' +
                            BOOLEAN_ICONS[icon] + '"]')
        .forEach(function (img) { img.alt = words[icon]; });
    });
  }

  /* Django's filter widget (admin/js/SelectFilter2.js, the "available" and
     "chosen" lists of a many-to-many field) names its filter boxes with a
     <span aria-label> inside their <label>; ARIA allows aria-label only on
     an element with a role, so axe-core reports it (aria-prohibited-attr)
     and a screen reader may ignore the name. Each such span is given
     role="img", so the label's name is the span's words. */
  function nameFilterIcons(root) {
    root.querySelectorAll(".search-label-icon[aria-label]:not([role])")
      .forEach(function (icon) { icon.setAttribute("role", "img"); });
  }

  /* Django's autocomplete fields (admin/js/autocomplete.js, select2 4.0):
     select2 hides the <select> and draws a combobox whose only name is its
     current value (aria-labelledby points at the value, itself a read-only
     "textbox"). With nothing chosen (a new assignment, an added inline
     row) the combobox and the textbox have no name at all (axe
     aria-input-field-name, WCAG 4.1.2); with a value, "agnes" is read
     where "User" should be. Each combobox is named by its field's label
     (the <label for> of the hidden <select>, or in an inline table its
     column header) and shows its value as its content, as the ARIA
     select-only combobox does; the search box and the list of its dropdown
     are named the same way when they open; a click on the label moves
     focus to the combobox instead of the hidden <select>. The open list is
     tied to the combobox with aria-controls (ARIA 1.2; select2 4.0 gives
     only aria-owns, and axe requires aria-controls on an expanded
     combobox). */
  function labelOf(select) {
    var label = select.id &&
      document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
    if (label) return label;
    var cell = select.closest("td");
    var table = cell && cell.closest("table");
    if (!table || !table.tHead || !table.tHead.rows.length) return null;
    return table.tHead.rows[0].cells[cell.cellIndex] || null;
  }

  function labelId(select) {
    var label = labelOf(select);
    if (!label) return null;
    if (!label.id) label.id = select.id + "-label";
    return label.id;
  }

  function nameComboboxes(root) {
    root.querySelectorAll("select.admin-autocomplete:not([data-a11y-named])")
      .forEach(function (select) {
        var container = select.nextElementSibling;
        if (!container || !container.classList.contains("select2-container")) {
          return;  // not drawn yet (or the hidden template row)
        }
        var name = labelId(select);
        if (!name) return;
        select.setAttribute("data-a11y-named", "");
        var combobox = container.querySelector(".select2-selection");
        combobox.setAttribute("aria-labelledby", name);
        combobox.setAttribute("data-a11y-combobox", "");
        container.querySelectorAll(".select2-selection__rendered[role]")
          .forEach(function (value) {
            value.removeAttribute("role");
            value.removeAttribute("aria-readonly");
          });
        // A multiple choice types its search inside the combobox.
        container.querySelectorAll(".select2-search__field")
          .forEach(function (field) { field.setAttribute("aria-labelledby", name); });
        var label = document.getElementById(name);
        if (label.tagName === "LABEL" && !label.hasAttribute("data-a11y-focus")) {
          label.setAttribute("data-a11y-focus", "");
          label.addEventListener("click", function (event) {
            event.preventDefault();
            combobox.focus();
          });
        }
      });
  }

  function nameDropdowns(root) {
    root.querySelectorAll(".select2-results__options[id$='-results']:not([aria-labelledby])")
      .forEach(function (list) {
        var match = /^select2-(.+)-results$/.exec(list.id);
        var select = match && document.getElementById(match[1]);
        var name = select && labelId(select);
        if (!name) return;
        list.setAttribute("aria-labelledby", name);
        var dropdown = list.closest(".select2-dropdown");
        var search = dropdown && dropdown.querySelector(".select2-search__field");
        if (search) search.setAttribute("aria-labelledby", name);
      });
  }

  function tieOpenLists(root) {
    root.querySelectorAll("[data-a11y-combobox]").forEach(function (combobox) {
      var list = combobox.getAttribute("aria-owns");
      if (list) {
        combobox.removeAttribute("aria-owns");
        combobox.setAttribute("aria-controls", list);
      } else if (combobox.getAttribute("aria-expanded") !== "true") {
        combobox.removeAttribute("aria-controls");
      }
    });
  }

  function mend(root) {
    sayBooleans(root);
    nameFilterIcons(root);
    nameComboboxes(root);
    nameDropdowns(root);
    tieOpenLists(root);
  }

  /* select2 opens its list at the end of <body>, outside every landmark
     (axe region: a screen reader's landmark navigation never reaches it).
     Its dropdownParent option, read from the <select>'s data attributes
     when autocomplete.js draws it on jQuery's ready, puts the list inside
     the page's <main> instead. Set here, before ready: this script is
     deferred, and deferred scripts run before DOMContentLoaded. Copies of
     the inline template row keep the attribute. */
  document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
    if (select.closest("main") && !select.hasAttribute("data-dropdown-parent")) {
      select.setAttribute("data-dropdown-parent", "main");
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    mend(document);
    new MutationObserver(function () { mend(document); }).observe(
      document.body, { childList: true, subtree: true });
  });
})();
