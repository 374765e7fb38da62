/* Keyboard navigation through slides, the same on every deck: → ↓ PageDown Space next, ← ↑ PageUp back,
   Home/End first/last, F full screen. Keys typed into a field or a media player are left alone.
   slideKeys({step: fn(delta), first: fn, last: fn, full: fn}) (any may be left out). */
(function () {
  "use strict";
  var STEPS = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, " ": 1, Spacebar: 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 };
  var TYPING = { input: 1, textarea: 1, select: 1, video: 1, audio: 1 };

  window.slideKeys = function (on) {
    document.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if (TYPING[(e.target.tagName || "").toLowerCase()] || e.target.isContentEditable) return;
      if ((e.key === " " || e.key === "Enter") && e.target.closest && e.target.closest("button, a, summary")) return;
      var action = null;
      if (STEPS[e.key] && on.step) action = function () { on.step(STEPS[e.key]); };
      else if (e.key === "Home" && on.first) action = on.first;
      else if (e.key === "End" && on.last) action = on.last;
      else if ((e.key === "f" || e.key === "F") && on.full) action = on.full;
      if (!action) return;
      e.preventDefault();
      action();
    });
  };
})();
