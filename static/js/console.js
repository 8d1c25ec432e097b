/* X-Platform console: keyboard shortcut, copy buttons, local times, answer
   filter, photo loading with reasons, lightbox, and live refresh (which keeps
   focus where it was and announces only what is new).
   The interaction page's other shortcuts and their list: shortcuts.js.
   Plain JavaScript served from static/ (no CDN, CSP without 'unsafe-inline'). */
(function () {
  "use strict";

  /* The page's language (<html lang>), for dates and relative times, and
     the words this script writes, from the page's JSON data block
     (templatetags/console.py js_strings); English when it is missing. */
  var LOCALE = document.documentElement.lang || undefined;
  var STRINGS = (function () {
    var node = document.getElementById("xpc-strings");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  })();
  var ENGLISH = {
    copied: "Copied", copiedLabel: "Copied: %s", copyFailed: "Copy failed: select and copy by hand",
    photoUnavailable: "Photo unavailable: %s",
    sessionEnded: "your session has ended; reload the page and sign in again.",
    consoleAnswered: "the console answered %s.", consoleUnreachable: "the console could not be reached.",
    position: "%s of %s", staleSince: "Stale since %s: this could not be read again.",
    "new": "New"
  };
  function t(key) {
    var text = STRINGS[key] || ENGLISH[key] || key;
    for (var i = 1; i < arguments.length; i += 1) text = text.replace("%s", arguments[i]);
    return text;
  }
  var RELATIVE = typeof Intl !== "undefined" && Intl.RelativeTimeFormat
    ? new Intl.RelativeTimeFormat(LOCALE, { numeric: "auto" }) : null;

  /* Single-key shortcuts can be turned off (WCAG 2.1.4), in the list of
     shortcuts (shortcuts.js); the choice is kept in this browser. */
  function singleKeysOn() {
    try { return window.localStorage.getItem("xpc.singleKeyShortcuts") !== "off"; } catch (e) { return true; }
  }

  /* "/" focuses the search box from anywhere but a text field. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.defaultPrevented || !singleKeysOn() || document.querySelector("dialog[open]")) return;
    var target = event.target;
    var tag = target && target.tagName ? target.tagName.toLowerCase() : "";
    if (tag === "input" || tag === "textarea" || tag === "select" || (target && target.isContentEditable)) return;
    var box = document.querySelector('[data-shortcut="/"]');
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    } else {
      var lookup = document.querySelector('a[href="/"]');
      if (lookup) window.location.assign(lookup.getAttribute("href"));
    }
  });

  /* Look up: busy while the X-Platform answers (it can take seconds), and
     never sent twice. Restored when the page comes back from the browser's
     cache (Back), where the busy state would otherwise stay. */
  function lookupButton(form) {
    return form.querySelector("button[data-busy-label]");
  }

  function setBusy(form, busy) {
    var button = lookupButton(form);
    if (!button) return;
    if (!button.hasAttribute("data-idle-label")) {
      button.setAttribute("data-idle-label", button.textContent);
    }
    form.setAttribute("data-busy", busy ? "true" : "false");
    button.setAttribute("aria-busy", busy ? "true" : "false");
    button.disabled = busy;
    button.textContent = busy ? button.getAttribute("data-busy-label")
      : button.getAttribute("data-idle-label");
    var status = form.querySelector("[data-busy-status]");
    if (status) status.textContent = busy ? status.getAttribute("data-busy-status") : "";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.classList || !form.classList.contains("lookup-form")) return;
    if (form.getAttribute("data-busy") === "true") {
      event.preventDefault();
      return;
    }
    setBusy(form, true);
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form.lookup-form").forEach(function (form) {
      setBusy(form, false);
    });
  });

  /* Copy buttons: data-copy holds the text, data-copy-target names a field. */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy], [data-copy-target]") : null;
    if (!button) return;
    var text = button.getAttribute("data-copy");
    if (text === null) {
      var source = document.getElementById(button.getAttribute("data-copy-target"));
      text = source ? source.value : "";
    }
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    copyText(text).then(function () {
      button.textContent = t("copied");
      // Said to a screen reader too: a shortcut copies with the focus elsewhere.
      var status = document.getElementById("live-news");
      if (status) status.textContent = t("copiedLabel", label.trim());
    }, function () {
      button.textContent = t("copyFailed");
    });
    window.setTimeout(function () { button.textContent = label; }, 1800);
  });

  /* Times: shown in the agent's local time, with a relative time. */
  function relative(date) {
    var seconds = Math.round((date.getTime() - Date.now()) / 1000);
    // What the customer did is never in the future: a few minutes ahead is
    // this computer's clock running behind the server's ("now", not "in 14
    // seconds").
    if (seconds > 0 && seconds < 300) seconds = 0;
    var abs = Math.abs(seconds);
    if (!RELATIVE) return date.toLocaleString(LOCALE);
    if (abs < 45) return RELATIVE.format(seconds, "second");
    if (abs < 2700) return RELATIVE.format(Math.round(seconds / 60), "minute");
    if (abs < 79200) return RELATIVE.format(Math.round(seconds / 3600), "hour");
    return RELATIVE.format(Math.round(seconds / 86400), "day");
  }

  function renderTimes(root) {
    root.querySelectorAll("time[data-local]").forEach(function (node) {
      var date = new Date(node.getAttribute("datetime"));
      if (isNaN(date.getTime())) return;
      var kind = node.getAttribute("data-local");
      node.textContent = kind === "time"
        ? date.toLocaleTimeString(LOCALE, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
        : kind === "hm"
        ? date.toLocaleTimeString(LOCALE, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
        : date.toLocaleString(LOCALE, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
      node.title = date.toString();
    });
    root.querySelectorAll("time[data-relative]").forEach(function (node) {
      var date = new Date(node.getAttribute("datetime"));
      if (!isNaN(date.getTime())) node.textContent = relative(date);
    });
  }

  /* Answers filter. */
  function applyFilter() {
    var box = document.getElementById("answers-filter");
    if (!box) return;
    var needle = box.value.trim().toLowerCase();
    var shown = 0;
    document.querySelectorAll(".answers .answer").forEach(function (row) {
      var match = !needle || (row.getAttribute("data-filter-text") || "").indexOf(needle) !== -1;
      row.hidden = !match;
      if (match) shown += 1;
    });
    var empty = document.querySelector(".filter-empty");
    if (empty) empty.hidden = shown !== 0 || !needle;
  }

  /* Photos: fetched so that a failure shows its reason and a retry button. */
  function loadPhoto(item) {
    var img = item.querySelector("img[data-src]");
    if (!img) return;
    var error = item.querySelector(".photo-error");
    fetch(img.getAttribute("data-src"), { credentials: "same-origin" }).then(function (response) {
      var reason = response.headers.get("X-Photo-Error");
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("image/") !== 0) {
        // A photo that does not exist is a 404 with its reason.
        if (reason && !response.redirected) throw new Error(reason);
        // A signed-out session lands on the login page; a server error has no image.
        throw new Error(response.redirected || type.indexOf("text/html") === 0
          ? t("sessionEnded")
          : t("consoleAnswered", response.status));
      }
      return response.blob().then(function (blob) {
        if (img.getAttribute("data-blob")) URL.revokeObjectURL(img.getAttribute("data-blob"));
        var url = URL.createObjectURL(blob);
        img.setAttribute("data-blob", url);
        img.src = url;
        if (error) {
          error.hidden = !reason;
          error.querySelector(".reason").textContent = reason ? t("photoUnavailable", reason) : "";
        }
        item.classList.toggle("is-broken", !!reason);
        showGlancePhoto();
      });
    }).catch(function (failure) {
      if (error) {
        error.hidden = false;
        error.querySelector(".reason").textContent = t("photoUnavailable",
          failure && failure.message && failure.message.indexOf(" ") !== -1
            ? failure.message : t("consoleUnreachable"));
      }
      item.classList.add("is-broken");
    });
  }

  function loadPhotos(root) {
    root.querySelectorAll(".photo").forEach(loadPhoto);
  }

  /* The at-a-glance strip shows the first photo's thumbnail once the Photos
     panel has loaded it: the same image, not a second fetch (and access). */
  function showGlancePhoto() {
    document.querySelectorAll(".glance-photo img[data-photo-key]").forEach(function (img) {
      var source = document.querySelector('.photo[data-key="' + img.getAttribute("data-photo-key") + '"]:not(.is-broken) img[data-blob]');
      if (source && img.getAttribute("src") !== source.getAttribute("src")) img.src = source.getAttribute("src");
      img.parentNode.hidden = !source;
    });
  }

  document.addEventListener("click", function (event) {
    var retry = event.target.closest ? event.target.closest("[data-photo-retry]") : null;
    if (retry) loadPhoto(retry.closest(".photo"));
  });

  /* "Jump to where they stopped": open the panel holding the step, scroll
     to it and move focus there, so the next Tab continues from the step. */
  document.addEventListener("click", function (event) {
    var jump = event.target.closest ? event.target.closest("a[data-jump]") : null;
    if (!jump || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var step = document.getElementById(jump.hash.slice(1));
    if (!step) return;
    event.preventDefault();
    var panel = step.closest("details");
    if (panel) panel.open = true;
    step.setAttribute("tabindex", "-1");
    document.querySelectorAll(".step.is-target").forEach(function (node) { node.classList.remove("is-target"); });
    step.classList.add("is-target");
    step.scrollIntoView({ block: "start" });
    step.focus({ preventScroll: true });
    if (window.history && history.replaceState) history.replaceState(null, "", jump.hash);
  });

  /* In a side panel the variables start folded: the journey comes first. */
  if (window.matchMedia && window.matchMedia("(max-width: 600px)").matches) {
    var variables = document.getElementById("panel-variables");
    if (variables) variables.open = false;
  }

  /* Lightbox: arrow keys move between photos, Esc closes. */
  var lightbox = document.getElementById("lightbox");
  var current = -1;
  var opener = null;
  var openerKey = null;

  function thumbs() {
    return Array.prototype.slice.call(document.querySelectorAll(".photo:not(.is-broken) .thumb"));
  }

  function show(index) {
    var list = thumbs();
    if (!list.length) return;
    current = (index + list.length) % list.length;
    var thumb = list[current];
    var img = document.getElementById("lightbox-image");
    img.src = thumb.getAttribute("data-full");
    img.alt = thumb.querySelector("img").alt;
    // The label under the thumbnail already shows the agent's local time.
    var label = thumb.closest(".photo").querySelector(".photo-label");
    document.getElementById("lightbox-caption").textContent = label ? label.textContent : "";
    document.getElementById("lightbox-position").textContent = t("position", current + 1, list.length);
  }

  if (lightbox) {
    document.addEventListener("click", function (event) {
      var thumb = event.target.closest ? event.target.closest(".thumb") : null;
      if (thumb) {
        var index = thumbs().indexOf(thumb);
        if (index === -1) return;  // a broken photo: its reason is shown instead
        opener = thumb;
        openerKey = thumb.getAttribute("data-focus-key");
        show(index);
        lightbox.showModal();
        return;
      }
      var control = event.target.closest ? event.target.closest("[data-lightbox]") : null;
      if (!control) return;
      var action = control.getAttribute("data-lightbox");
      if (action === "prev") show(current - 1);
      if (action === "next") show(current + 1);
      if (action === "close") lightbox.close();
    });
    lightbox.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { event.preventDefault(); show(current - 1); }
      if (event.key === "ArrowRight") { event.preventDefault(); show(current + 1); }
    });
    lightbox.addEventListener("click", function (event) {
      if (event.target === lightbox) lightbox.close();
    });
    lightbox.addEventListener("close", function () {
      // The close event comes a moment after Escape: focus a key press or
      // a click moved on meanwhile stays where it went.
      var active = document.activeElement;
      if (active && active !== document.body && !lightbox.contains(active) && active !== opener) return;
      // The thumbnail may have been redrawn by a live refresh meanwhile.
      var back = opener && opener.isConnected ? opener
        : openerKey && document.querySelector('[data-focus-key="' + cssEscape(openerKey) + '"]');
      if (!back) back = document.querySelector("#panel-photos > summary");
      if (back) back.focus();
    });
  }

  /* Live refresh: swap the sections that changed, mark what is new, keep
     scroll position and open panels; stop when the interaction finishes. */
  var root = document.getElementById("interaction");

  function keys(container, selector, attribute) {
    var found = {};
    container.querySelectorAll(selector).forEach(function (node) { found[node.getAttribute(attribute)] = true; });
    return found;
  }

  /* A section that came back as an error while the page shows its data
     keeps the data, marked stale: a retry of one section, or a passing
     failure, never replaces good data with an error. */
  function sectionFailure(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var error = holder.content.querySelector("[data-failed]");
    return error && !holder.content.querySelector("table, ol, ul") ? error : null;
  }

  function hasData(target) {
    return !target.querySelector("[data-failed]") && !!target.querySelector("table, ol, ul");
  }

  function markStale(target, error) {
    var note = target.querySelector(".stale-note[data-client]");
    if (!note) {
      note = document.createElement("div");
      note.className = "alert alert-warn stale-note";
      note.setAttribute("role", "status");
      note.setAttribute("data-client", "");
      target.insertBefore(note, target.firstChild);
    }
    var since = new Date(Number(target.getAttribute("data-updated")) || Date.now());
    var reason = error.matches("p") ? error : error.querySelector("p");
    // The failure's own words, without its "Answers unavailable:" label.
    note.textContent = t("staleSince",
      since.toLocaleTimeString(LOCALE, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" })) +
      " " + (reason ? reason.textContent.replace(/^[^:]*:\s*/, "") : "");
  }

  function cssEscape(value) {
    return window.CSS && CSS.escape ? CSS.escape(value) : String(value).replace(/["\\]/g, "\\$&");
  }

  /* Focus across a redraw: a section's new HTML replaces the element that
     had focus. Its equivalent in the new HTML is found by its stable key
     (data-focus-key: copy buttons, thumbnails), its id (a step), its class
     when it is the only one of its kind (the strip's links), or its name
     and place among the section's elements of that name; when the
     element is gone, focus goes to its panel, never to the page body. */
  function nameOf(node) {
    return (node.getAttribute("aria-label") || node.getAttribute("data-label") || node.textContent || "").trim();
  }

  function focusMark(node, section) {
    var keyed = node.closest("[data-focus-key]");
    if (keyed && section.contains(keyed)) return { key: keyed.getAttribute("data-focus-key") };
    if (node.id) return { id: node.id, target: node.classList.contains("is-target") };
    // One of a kind in its section ("Jump to where they stopped").
    var kind = node.classList[0];
    if (kind && section.querySelectorAll("." + cssEscape(kind)).length === 1) return { kind: kind };
    var name = nameOf(node);
    var same = Array.prototype.filter.call(section.querySelectorAll(node.tagName), function (other) {
      return nameOf(other) === name;
    });
    return { tag: node.tagName, name: name, index: same.indexOf(node) };
  }

  function focusFind(section, mark) {
    if (mark.key) return section.querySelector('[data-focus-key="' + cssEscape(mark.key) + '"]');
    if (mark.id) return section.querySelector("#" + cssEscape(mark.id));
    if (mark.kind) return section.querySelector("." + cssEscape(mark.kind));
    var same = Array.prototype.filter.call(section.querySelectorAll(mark.tag), function (other) {
      return nameOf(other) === mark.name;
    });
    return same[mark.index] || null;
  }

  function focusFallback(section) {
    var panel = section.closest("details");
    if (panel) return panel.querySelector(":scope > summary");
    return section.closest("[tabindex]") || section;
  }

  function focusAgain(section, mark) {
    var next = focusFind(section, mark);
    if (next && next.closest("[hidden]")) next = null;
    if (!next) next = focusFallback(section);
    if (next.tabIndex < 0 && !next.hasAttribute("tabindex")) next.setAttribute("tabindex", "-1");
    if (mark.target) next.classList.add("is-target");
    next.focus({ preventScroll: true });
  }

  /* What is new gets a "New" badge (and a short flash) until its section
     next changes; the live region says what it is (announce). */
  function markNew(item, titleSelector) {
    item.classList.add("is-new");
    var title = item.querySelector(titleSelector);
    if (!title || title.querySelector(".badge-new")) return;
    var badge = document.createElement("span");
    badge.className = "badge badge-new";
    badge.textContent = root.getAttribute("data-new-label") || t("new");
    title.appendChild(document.createTextNode(" "));
    title.appendChild(badge);
  }

  /* A section is redrawn for changes that are not news too (a live step's
     time "so far"): what was new stays marked until something newer comes. */
  var newKeys = {};

  function markNewItems(name, items, titleSelector, keyOf, isNew) {
    var list = Array.prototype.slice.call(items);
    var fresh = [];
    list.forEach(function (item, index) {
      if (isNew(item, index)) fresh.push(keyOf(item, index));
    });
    if (fresh.length) newKeys[name] = fresh;
    var marked = newKeys[name] || [];
    list.forEach(function (item, index) {
      if (marked.indexOf(keyOf(item, index)) !== -1) markNew(item, titleSelector);
    });
  }

  var news = document.getElementById("live-news");

  function announce(sentences) {
    if (!news || !sentences || !sentences.length) return;
    // Emptied first, so that the same words twice ("New photo") are read twice.
    news.textContent = "";
    window.setTimeout(function () { news.textContent = sentences.join(". ") + "."; }, 150);
  }

  function swap(data) {
    var now = String(Date.now());
    var before = {
      steps: keys(root, ".timeline .step", "data-step"),
      photos: keys(root, ".photo", "data-key"),
      answers: root.querySelectorAll(".answers .answer").length
    };
    Object.keys(data.sections).forEach(function (name) {
      var target = root.querySelector('[data-section="' + name + '"]');
      var digest = data.digests ? data.digests[name] : null;
      if (!target) return;
      var error = sectionFailure(data.sections[name]);
      if (error && hasData(target)) {
        markStale(target, error);
        return;
      }
      if (digest && target.getAttribute("data-digest") === digest) {
        var stale = target.querySelector(".stale-note[data-client]");
        if (stale) stale.remove();
        target.setAttribute("data-updated", now);
        return;
      }
      var active = document.activeElement;
      var mark = active && active !== target && target.contains(active) ? focusMark(active, target) : null;
      var targeted = target.querySelector(".is-target");
      target.innerHTML = data.sections[name];
      if (targeted && targeted.id) {
        var again = target.querySelector("#" + cssEscape(targeted.id));
        if (again) again.classList.add("is-target");
      }
      if (mark) focusAgain(target, mark);
      target.setAttribute("data-updated", now);
      if (digest) target.setAttribute("data-digest", digest);
      renderTimes(target);
      if (name === "glance") showGlancePhoto();
      if (name === "photos") {
        markNewItems(name, target.querySelectorAll(".photo"), ".photo-label", function (item) {
          return item.getAttribute("data-key");
        }, function (item) { return !before.photos[item.getAttribute("data-key")]; });
        loadPhotos(target);
      }
      if (name === "timeline") {
        markNewItems(name, target.querySelectorAll(".timeline .step"), ".step-title", function (step) {
          return step.getAttribute("data-step");
        }, function (step) { return !before.steps[step.getAttribute("data-step")]; });
      }
      if (name === "answers") {
        markNewItems(name, target.querySelectorAll(".answers .answer"), ".answer-q", function (row, index) {
          return String(index);
        }, function (row, index) { return index >= before.answers; });
        applyFilter();
      }
    });
    var summary = document.getElementById("summary-text");
    if (summary && typeof data.summary_text === "string") summary.value = data.summary_text;
    root.setAttribute("data-live", data.live ? "true" : "false");
    if (data.seen) {
      root.setAttribute("data-steps", String(data.seen.steps));
      root.setAttribute("data-photos", String(data.seen.photos));
      root.setAttribute("data-outcome", data.seen.outcome);
    }
    announce(data.news);
  }

  /* The interval comes from XPC_LIVE_REFRESH_SECONDS, the live cache
     lifetime: each refresh finds the parts other viewers just fetched. */
  var interval = (root && Number(root.getAttribute("data-refresh-ms"))) || 5000;
  var delay = interval;
  var timer = null;

  function refresh(fresh) {
    // What this page shows, so that the answer says what is new (counts
    // and the outcome only: nothing about the customer goes in the URL).
    var query = "steps=" + encodeURIComponent(root.getAttribute("data-steps") || "") +
      "&photos=" + encodeURIComponent(root.getAttribute("data-photos") || "") +
      "&outcome=" + encodeURIComponent(root.getAttribute("data-outcome") || "");
    var url = root.getAttribute("data-live-url") + "?" + query + (fresh ? "&fresh=1" : "");
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (data) {
        swap(data);
        delay = interval;
        return data;
      });
  }

  function schedule() {
    // One chain of polls only: a retry finishing while a poll is in flight
    // must not start a second one.
    if (timer) window.clearTimeout(timer);
    timer = null;
    if (root.getAttribute("data-live") !== "true") return;
    timer = window.setTimeout(function () {
      timer = null;
      refresh(false).then(schedule, function () {
        delay = Math.min(delay * 2, 60000);
        schedule();
      });
    }, delay);
  }

  if (root) {
    root.querySelectorAll("[data-section]").forEach(function (section) {
      section.setAttribute("data-updated", String(Date.now()));
    });
    document.addEventListener("click", function (event) {
      var retry = event.target.closest ? event.target.closest("[data-retry]") : null;
      if (!retry) return;
      retry.disabled = true;
      // The words come with the button (data-busy-label), in the page's language.
      var label = retry.textContent;
      retry.textContent = retry.getAttribute("data-busy-label") || "Trying again…";
      if (timer) window.clearTimeout(timer);
      function again() {
        // Still on the page when the section came back the same.
        retry.disabled = false;
        retry.textContent = label;
        schedule();
      }
      refresh(true).then(again, again);
    });
    schedule();
  }

  var filter = document.getElementById("answers-filter");
  if (filter) filter.addEventListener("input", applyFilter);

  renderTimes(document);
  loadPhotos(document);
  window.setInterval(function () {
    document.querySelectorAll("time[data-relative]").forEach(function (node) {
      var date = new Date(node.getAttribute("datetime"));
      if (!isNaN(date.getTime())) node.textContent = relative(date);
    });
  }, 30000);
})();
