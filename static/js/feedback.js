/* Feedback: the phone's form (a key per message so retries store it once, the slide on screen) and the
   live feeds for phones and moderators. Uses live.js's socket when present; pushed fragments go in
   through htmx.swap, like htmx's own answers. */
(function () {
  "use strict";

  /* ---- the phone's form ---- */
  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return null; // old phones keep the key the server put in the form
  }
  function prepare(root) {
    var forms = root.matches && root.matches("[data-feedback-form]") ? [root] : root.querySelectorAll("[data-feedback-form]");
    Array.prototype.forEach.call(forms, function (form) {
      if (form.dataset.keyed || form.querySelector(".error")) return; // after an error: keep the same key
      form.dataset.keyed = "1";
      var key = newKey(), input = form.querySelector("[data-client-key]");
      if (key && input) input.value = key;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { prepare(document); });
  document.addEventListener("htmx:load", function (e) { prepare(e.target); });

  // Before htmx reads the form: the slide on this phone's screen (live, or one browsed back to).
  document.addEventListener("submit", function (e) {
    var form = e.target.closest && e.target.closest("[data-feedback-form]");
    if (!form) return;
    var shown = document.querySelector("#slide .follow-slide");
    var position = form.querySelector("[data-position]");
    if (shown && position) position.value = shown.dataset.position;
  }, true);

  document.addEventListener("htmx:sendError", function (e) {
    var form = e.detail.elt.closest && e.detail.elt.closest("[data-feedback-form]");
    var status = form && form.querySelector("[data-send-status]");
    if (status) status.textContent = window.showcaseText("feedback_not_sent");
  });

  /* ---- live feeds ---- */
  var feed = document.getElementById("feedback-feed");
  var live = window.showcaseLive;
  if (!feed || !live || !live.socket) return;
  var socket = live.socket;
  var me = feed.dataset.me;

  function adopt(el) {
    if (el && me && el.dataset && el.dataset.author === me) el.classList.add("fb--mine");
  }
  function swap(target, html, style) { window.htmx.swap(target, html, { swapStyle: style }); }
  function place(data) {
    var id = "fb-" + data.id, old = document.getElementById(id);
    if (old) swap(old, data.html, "outerHTML");
    else swap(feed, data.html, "afterbegin");
    adopt(document.getElementById(id));
  }
  function sync() { socket.emit("feedback_sync", {}); }

  socket.on("connect", sync);
  if (socket.connected) sync();
  socket.on("feedback", place);
  socket.on("feedback_hidden", function (data) {
    var el = document.getElementById("fb-" + data.id);
    if (el) el.remove();
  });
  socket.on("feedback_list", function (data) {
    swap(feed, data.html, "innerHTML");
    Array.prototype.forEach.call(feed.children, adopt);
    var title = document.querySelector("[data-feed-title]");
    if (title) title.textContent = data.show_all ? title.dataset.all : title.dataset.own;
  });
  socket.on("feedback_resync", sync);
  Array.prototype.forEach.call(feed.children, adopt);
})();
