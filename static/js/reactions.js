/* Reactions: phones send one from a fixed set about the slide on screen; the presenter and the projector
   show each kind for a few seconds, added up ("👏 ×3"). Uses live.js's socket. */
(function () {
  "use strict";
  var live = window.showcaseLive;
  if (!live || !live.socket) return;
  var socket = live.socket;

  /* ---- phones ---- */
  var panel = document.querySelector("[data-reactions]");
  if (panel) {
    var status = panel.querySelector("[data-react-status]"), clear = null;
    var say = function (text) {
      status.textContent = text;
      window.clearTimeout(clear);
      clear = window.setTimeout(function () { status.textContent = ""; }, 2500);
    };
    panel.addEventListener("click", function (event) {
      var button = event.target.closest("[data-react]");
      if (!button) return;
      if (!socket.connected) { say(status.dataset.offline); return; }
      socket.timeout(8000).emit("react", { kind: button.dataset.react }, function (err, answer) {
        if (err) { say(status.dataset.offline); return; }
        say(answer && answer.ok ? status.dataset.sent + " " + button.textContent.trim() : (answer && answer.error) || "");
      });
    });
  }

  /* ---- presenter and projector ---- */
  var strip = document.querySelector("[data-reaction-strip]");
  if (strip) {
    var shown = {};
    socket.on("reaction", function (data) {
      var entry = shown[data.kind];
      if (!entry) {
        var el = document.createElement("span");
        el.className = "reaction-strip__item";
        strip.appendChild(el);
        entry = shown[data.kind] = { el: el, n: 0, timer: null };
      }
      entry.n += 1;
      entry.el.textContent = data.emoji + (entry.n > 1 ? " ×" + entry.n : "");
      entry.el.classList.remove("reaction-strip__item--pop");
      void entry.el.offsetWidth; // restart the little pop
      entry.el.classList.add("reaction-strip__item--pop");
      window.clearTimeout(entry.timer);
      entry.timer = window.setTimeout(function () { entry.el.remove(); delete shown[data.kind]; }, 5000);
    });
  }
})();
