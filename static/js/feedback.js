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
  // An earlier "Sent." goes as soon as the next message is sent or refused (the browser's own check too).
  ["submit", "invalid"].forEach(function (type) {
    document.addEventListener(type, function (e) {
      var form = e.target.closest && e.target.closest("[data-feedback-form]"), status = form && form.querySelector("[data-send-status]");
      if (status) status.textContent = "";
    }, true);
  });

  /* ---- the outbox: messages that could not be sent wait on the phone (localStorage, with their key) and go
     by themselves when the connection is back; the server stores a key once, so a retry never doubles. */
  var box = document.querySelector("[data-outbox]");
  var formNow = function () { return document.querySelector("[data-feedback-form]"); };
  var storeKey = box && formNow() ? "feedback-outbox:" + formNow().getAttribute("action") : null;
  function load() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "[]"); } catch (err) { return []; }
  }
  function save(list) {
    try { window.localStorage.setItem(storeKey, JSON.stringify(list)); } catch (err) { /* private mode: on screen only */ }
  }
  function line(message, state, detail) {
    var li = box.querySelector('[data-key="' + message.client_key + '"]');
    if (!li) {
      li = document.createElement("li");
      li.className = "outbox__item";
      li.dataset.key = message.client_key;
      li.appendChild(document.createElement("p")).className = "outbox__body";
      li.appendChild(document.createElement("p")).className = "outbox__state";
      box.appendChild(li);
    }
    li.firstChild.textContent = message.body;
    li.lastChild.textContent = detail ? box.dataset.refused + " " + detail : box.dataset[state];
    li.dataset.state = state;
    box.hidden = false;
    if (state === "sent") window.setTimeout(function () { li.remove(); box.hidden = !box.children.length; }, 4000);
  }
  var flushing = false;
  function flush() {
    var list = load();
    if (!box || flushing || !list.length || navigator.onLine === false) return;
    var form = formNow(), token = form && form.querySelector("[name=csrf_token]");
    if (!form) return;
    flushing = true;
    var message = list[0];
    line(message, "sending");
    var body = new URLSearchParams(message);
    if (token) body.set("csrf_token", token.value);
    fetch(form.getAttribute("action"), { method: "POST", body: body, credentials: "same-origin",
                                         headers: { "HX-Request": "true" } })
      .then(function (response) {
        return response.text().then(function (html) {
          flushing = false;
          if (response.status === 429 || response.status >= 500) { line(message, "waiting"); return; }
          save(load().filter(function (m) { return m.client_key !== message.client_key; }));
          if (response.ok) line(message, "sent");
          else {
            var why = new DOMParser().parseFromString(html, "text/html").querySelector(".error");
            line(message, "refused", why ? why.textContent.trim() : String(response.status));
          }
          flush();
        });
      }, function () { flushing = false; line(message, "waiting"); });
  }
  if (box) {
    load().forEach(function (m) { line(m, "waiting"); });
    window.addEventListener("online", flush);
    window.setInterval(flush, 15000);
    document.addEventListener("DOMContentLoaded", flush);
    if (document.readyState !== "loading") flush();
  }

  document.addEventListener("htmx:sendError", function (e) {
    var form = e.detail.elt.closest && e.detail.elt.closest("[data-feedback-form]");
    if (!form || !box) return;
    var data = new FormData(form), message = {};
    ["client_key", "kind", "body", "position"].forEach(function (name) { message[name] = data.get(name) || ""; });
    if (!message.body.trim()) return;
    var list = load().filter(function (m) { return m.client_key !== message.client_key; });
    list.push(message);
    save(list);
    line(message, "waiting");
    form.querySelector("textarea").value = "";
    delete form.dataset.keyed;
    prepare(form); // a new key for the next message
    var status = form.querySelector("[data-send-status]");
    if (status) status.textContent = box.dataset.kept;
  });

  /* ---- live feeds ---- */
  var feed = document.getElementById("feedback-feed");
  var live = window.showcaseLive;
  if (!feed || !live || !live.socket) return;
  var socket = live.socket;
  var me = feed.dataset.me;

  function adopt(el) {
    if (!el || !el.dataset) return;
    if (me && el.dataset.author === me) el.classList.add("fb--mine");
    var button = el.querySelector("[data-me-too-button]");
    if (button && remembered(el.id)) { button.disabled = true; button.setAttribute("aria-pressed", "true"); }
  }
  // "Me too": which questions this phone joined (the server counts each phone once; this keeps the button down)
  function remembered(id) { try { return window.localStorage.getItem("me-too:" + id) === "1"; } catch (e) { return false; } }
  // Remembered when sent (a push may replace the item before the answer comes), forgotten if refused.
  function meToo(e) {
    var b = e.detail.requestConfig ? e.detail.requestConfig.elt : e.detail.elt;
    return b && b.matches && b.matches("[data-me-too-button]") && b.closest("li") ? "me-too:" + b.closest("li").id : null;
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    var key = meToo(e);
    if (key) try { window.localStorage.setItem(key, "1"); } catch (err) { /* private mode */ }
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var key = meToo(e);
    if (!key) return;
    if (!e.detail.successful) try { window.localStorage.removeItem(key); } catch (err) { /* private mode */ }
    adopt(document.getElementById(key.slice(7)));
  });
  document.addEventListener("htmx:load", function (e) { if (e.target.parentNode === feed) adopt(e.target); });

  // Moderators: "Most asked first" keeps the feed ordered by how many phones joined each question.
  var sortButton = document.querySelector("[data-sort-me-too]");
  function sortFeed() {
    if (!sortButton || sortButton.getAttribute("aria-pressed") !== "true") return;
    var items = Array.prototype.slice.call(feed.children);
    items.sort(function (a, b) { return (parseInt(b.dataset.meToo, 10) || 0) - (parseInt(a.dataset.meToo, 10) || 0); });
    items.forEach(function (li) { feed.appendChild(li); });
  }
  if (sortButton) sortButton.addEventListener("click", function () {
    var on = sortButton.getAttribute("aria-pressed") !== "true";
    sortButton.setAttribute("aria-pressed", on ? "true" : "false");
    if (on) sortFeed(); else socket.emit("feedback_sync", {});
  });
  function swap(target, html, style) { window.htmx.swap(target, html, { swapStyle: style }); }
  function place(data) {
    var id = "fb-" + data.id, old = document.getElementById(id);
    if (old) swap(old, data.html, "outerHTML");
    else swap(feed, data.html, "afterbegin");
    adopt(document.getElementById(id));
    sortFeed();
  }
  function sync() { socket.emit("feedback_sync", {}); }

  socket.on("connect", function () { sync(); flush(); });
  if (socket.connected) sync();
  socket.on("feedback", place);
  socket.on("feedback_hidden", function (data) {
    var el = document.getElementById("fb-" + data.id);
    // its sender keeps it, told that the others no longer see it
    if (el && el.classList.contains("fb--mine")) {
      var note = el.appendChild(document.createElement("p"));
      note.className = "hint";
      note.textContent = feed.dataset.hid;
    } else if (el) el.remove();
  });
  socket.on("feedback_list", function (data) {
    swap(feed, data.html, "innerHTML");
    Array.prototype.forEach.call(feed.children, adopt);
    sortFeed();
    var title = document.querySelector("[data-feed-title]");
    if (title) title.textContent = data.show_all ? title.dataset.all : title.dataset.own;
  });
  socket.on("feedback_resync", sync);
  Array.prototype.forEach.call(feed.children, adopt);
})();
