/* Presentations: drag-and-drop order (SortableJS; needs csrf.js), focus after keyboard moves, the preview
   deck (needs slide-keys.js). */
(function () {
  "use strict";

  /* Drag and drop, mouse and touch: on drop, send the order the page shows; the answer is the server's truth. */
  function initSortable(root) {
    if (!window.Sortable) return;
    var lists = root.querySelectorAll ? root.querySelectorAll("[data-sortable]") : [];
    if (root.matches && root.matches("[data-sortable]")) lists = [root];
    Array.prototype.forEach.call(lists, function (list) {
      if (list.dataset.ready) return;
      list.dataset.ready = "1";
      Sortable.create(list, {
        handle: ".slide-row__handle",
        draggable: ".slide-row",
        animation: 150,
        forceFallback: true,
        fallbackTolerance: 3,
        ghostClass: "slide-row--ghost",
        chosenClass: "slide-row--chosen",
        onEnd: function (event) {
          if (event.oldIndex === event.newIndex) return;
          var ids = Array.prototype.map.call(list.querySelectorAll(":scope > .slide-row"), function (li) {
            return li.dataset.id;
          });
          list.setAttribute("aria-busy", "true");
          htmx.ajax("POST", list.dataset.orderUrl, {
            source: list, target: "#slides-box", swap: "outerHTML",
            values: { ids: ids.join(",") }, headers: { "X-CSRFToken": window.csrfToken() }
          });
        }
      });
    });
  }

  /* After a move with the ↑ ↓ buttons the list is new: put focus back where the student was. */
  function restoreFocus() {
    var box = document.getElementById("slides-box");
    if (!box || !box.dataset.focus) return;
    var el = document.getElementById(box.dataset.focus);
    box.dataset.focus = "";
    if (el) el.focus();
  }

  /* The preview: one slide at a time, keyboard and buttons, what the audience sees and what only I see. */
  function Deck(root) {
    var slides = root.querySelectorAll(".deck__slide");
    var notes = root.querySelectorAll(".deck__note");
    var count = document.querySelector("[data-deck-count]");
    var status = document.querySelector("[data-deck-status]");
    var current = 0;
    var fromHash = parseInt((location.hash || "").replace("#s", ""), 10);
    if (fromHash >= 1 && fromHash <= slides.length) current = fromHash - 1;

    function pauseMedia(el) {
      el.querySelectorAll("video, audio").forEach(function (m) { m.pause(); });
    }

    function show(i, announce) {
      i = Math.max(0, Math.min(i, slides.length - 1));
      if (i !== current) pauseMedia(slides[current]);
      current = i;
      Array.prototype.forEach.call(slides, function (s, n) { s.hidden = n !== i; });
      Array.prototype.forEach.call(notes, function (s, n) { s.hidden = n !== i; });
      var text = (i + 1) + " / " + slides.length;
      if (count) count.textContent = text;
      if (status && announce) status.textContent = window.showcaseText("slide_of", { n: i + 1, total: slides.length, title: slides[i].dataset.title });
      document.querySelector("[data-deck-prev]").disabled = i === 0;
      document.querySelector("[data-deck-next]").disabled = i === slides.length - 1;
      history.replaceState(null, "", "#s" + (i + 1));
    }

    window.slideKeys({
      step: function (delta) { show(current + delta, true); },
      first: function () { show(0, true); },
      last: function () { show(slides.length - 1, true); },
      full: toggleFull
    });
    document.querySelector("[data-deck-next]").addEventListener("click", function () { show(current + 1, true); });
    document.querySelector("[data-deck-prev]").addEventListener("click", function () { show(current - 1, true); });
    show(current, false);
  }

  function toggleFull() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(function () {});
  }

  function initDeck() {
    var root = document.querySelector("[data-deck]");
    if (root) Deck(root);
    var notesButton = document.querySelector("[data-deck-notes]");
    if (notesButton) {
      notesButton.addEventListener("click", function () {
        var on = notesButton.getAttribute("aria-pressed") !== "true";
        notesButton.setAttribute("aria-pressed", on ? "true" : "false");
        document.body.classList.toggle("deck-page--audience-only", !on);
      });
    }
    var full = document.querySelector("[data-deck-full]");
    if (full) full.addEventListener("click", toggleFull);
  }

  document.addEventListener("DOMContentLoaded", function () { initSortable(document); initDeck(); });
  document.addEventListener("htmx:load", function (e) { initSortable(e.target); setTimeout(restoreFocus, 0); });
})();
