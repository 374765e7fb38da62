/* Feedback: the phone's form (a key per message so retries store it once, the slide on screen),
   live feeds for phones and moderators, autosaving forms, print. Uses live.js's socket when present. */
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
    var form = e.detail.elt.closest("[data-feedback-form]");
    if (form) {
      var status = form.querySelector("[data-send-status]");
      if (status) status.textContent = "Not sent: check your connection and tap Send again.";
    }
    var auto = e.detail.elt.closest("[data-autosave]");
    if (auto) {
      setStatus(auto, "Not saved yet: no connection. Trying again…", "error");
      setTimeout(function () { if (window.htmx) window.htmx.trigger(auto, "change"); }, 3000);
    }
  });

  /* ---- autosave ---- */
  function setStatus(form, text, state) {
    var el = form.querySelector("[data-save-status]");
    if (!el) return;
    el.innerHTML = "";
    var span = document.createElement("span");
    span.className = "saved saved--" + state;
    span.textContent = text;
    el.appendChild(span);
  }
  document.addEventListener("input", function (e) {
    var form = e.target.closest && e.target.closest("[data-autosave]");
    if (form) setStatus(form, "Editing…", "pending");
  });
  document.addEventListener("htmx:beforeRequest", function (e) {
    var form = e.detail.elt.closest && e.detail.elt.closest("[data-autosave]");
    if (form) setStatus(form, "Saving…", "pending");
  });

  /* ---- print ---- */
  document.addEventListener("click", function (e) {
    if (e.target.closest("[data-print]")) window.print();
  });

  /* ---- live feeds ---- */
  var feed = document.getElementById("feedback-feed");
  var live = window.showcaseLive;
  if (!feed || !live || !live.socket) return;
  var socket = live.socket;
  var me = feed.dataset.me;

  function adopt(el) {
    if (me && el.dataset && el.dataset.author === me) el.classList.add("fb--mine");
    if (window.htmx) window.htmx.process(el);
  }
  function place(html) {
    var holder = document.createElement("ol");
    holder.innerHTML = html.trim();
    var el = holder.firstElementChild;
    if (!el) return;
    var old = document.getElementById(el.id);
    if (old) old.replaceWith(el); else feed.prepend(el);
    adopt(el);
  }
  function sync() { socket.emit("feedback_sync", {}); }

  socket.on("connect", sync);
  if (socket.connected) sync();
  socket.on("feedback", function (data) { place(data.html); });
  socket.on("feedback_hidden", function (data) {
    var el = document.getElementById("fb-" + data.id);
    if (el) el.remove();
  });
  socket.on("feedback_list", function (data) {
    feed.innerHTML = data.html;
    Array.prototype.forEach.call(feed.children, adopt);
    var title = document.querySelector("[data-feed-title]");
    if (title) title.textContent = data.show_all ? title.dataset.all : title.dataset.own;
  });
  socket.on("feedback_resync", sync);
  Array.prototype.forEach.call(feed.children, adopt);
})();
