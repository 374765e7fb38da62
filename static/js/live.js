/* Live conference client: presenter, projector screen and follower phones.
   The server is the truth: on every (re)connect the page asks for the current state ("sync"),
   and any push older than what is on screen (by seq) is ignored. */
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root) return;
  // The join form is answered with the follower page itself: give the page its own address back,
  // so a reload or a shared link opens /live/<code> instead of sending the form again.
  if (root.dataset.address && window.location.pathname !== root.dataset.address) {
    window.history.replaceState(null, "", root.dataset.address);
  }
  if (typeof io === "undefined") return;
  var view = root.dataset.live;
  var conferenceId = parseInt(root.dataset.conference, 10);
  var status = document.querySelectorAll("[data-live-status]");
  var text = window.showcaseText;
  var lastSeq = -1;
  var live = null;        // the latest pushed state
  var browsing = null;    // position a follower is looking back at, or null

  function setStatus(text, state) {
    status.forEach(function (el) { el.textContent = text; el.dataset.state = state; });
  }

  var socket = io({ transports: ["websocket", "polling"], auth: { conference: conferenceId, view: view },
                    reconnectionDelay: 500, reconnectionDelayMax: 3000 });
  window.showcaseLive = { socket: socket };  // feedback.js listens on the same connection
  var pending = 0;  // slide changes sent and not yet acknowledged
  // Presenter presses while there is no connection are never queued and replayed in a burst. Before
  // the page's first connection, the last press is kept and sent once connected; after a connection
  // was lost, presses are dropped, and the page says so when it is back.
  var missed = 0, everConnected = false, firstIntent = null;
  socket.on("connect", function () {
    setStatus(text("live"), "live");
    var first = !everConnected;
    everConnected = true;
    socket.emit("sync", {}, function (answer) {
      if (first && firstIntent !== null) {
        var target = firstIntent;
        firstIntent = null;
        send(target);
      } else if (missed && answer && answer.ok) {
        setStatus(text(missed === 1 ? "back_online_missed_one" : "back_online_missed_other",
                       { count: missed, n: answer.position + 1 }), "live");
      }
      missed = 0;
    });
  });
  socket.on("disconnect", function () { pending = 0; setStatus(text(view === "presenter" ? "reconnecting_presenter" : "reconnecting"), "down"); });
  socket.on("connect_error", function () { setStatus(text("reconnecting"), "down"); });
  socket.on("status", function (data) { setStatus(data.text, data.state); });
  socket.on("removed", function (data) { socket.disconnect(); window.location.href = data.url; });
  socket.on("ended", function (data) { socket.disconnect(); window.location.href = data.url; });

  function preload(url) { if (url) { var img = new Image(); img.src = url; } }

  function fresh(data) {
    if (data.seq < lastSeq) return false;
    lastSeq = data.seq;
    return true;
  }

  function setCount(position, total) {
    var el = root.querySelector("[data-count]");
    if (el && total) el.textContent = (position + 1) + " / " + total;
  }

  /* ---- followers and the projector screen ---- */
  var slideBox = document.getElementById("slide");
  var shown = [];  // positions shown so far: the full list comes with "sync", each push adds one
  socket.on("slide", function (data) {
    if (!fresh(data) || !slideBox) return;
    if (data.shown) shown = data.shown.slice();
    if (data.state === "live" && shown.indexOf(data.position) < 0) shown.push(data.position);
    live = data;
    preload(data.preload);
    if (!data.html) return;
    if (browsing === null) {
      slideBox.innerHTML = data.html;
      setCount(data.position, data.total);
    }
    updateBrowse();
  });

  function updateBrowse() {
    var back = root.querySelector("[data-back-to-live]");
    if (!back || !live) return;
    back.hidden = browsing === null;
    var here = browsing === null ? live.position : browsing;
    root.querySelectorAll("[data-browse-step]").forEach(function (btn) {
      var step = parseInt(btn.dataset.browseStep, 10);
      btn.disabled = !shown.some(function (p) { return step < 0 ? p < here : p > here; });
    });
  }

  function showLive() {
    browsing = null;
    if (live && live.html) { slideBox.innerHTML = live.html; setCount(live.position, live.total); }
    updateBrowse();
  }

  function browseTo(position) {
    if (live && position === live.position) { showLive(); return; }
    fetch(root.dataset.browse + position, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        browsing = position;
        slideBox.innerHTML = html;
        if (slideBox.getBoundingClientRect().top < 0) window.scrollTo(0, 0); // scrolled down: show it
        setCount(position, live ? live.total : 0);
        updateBrowse();
      })
      .catch(function () { showLive(); });
  }

  root.addEventListener("click", function (e) {
    var stepBtn = e.target.closest("[data-browse-step]");
    if (stepBtn && live) {
      var step = parseInt(stepBtn.dataset.browseStep, 10);
      var here = browsing === null ? live.position : browsing;
      var candidates = shown.filter(function (p) { return step < 0 ? p < here : p > here; });
      if (candidates.length) browseTo(step < 0 ? Math.max.apply(null, candidates) : Math.min.apply(null, candidates));
    }
    if (e.target.closest("[data-back-to-live]")) showLive();
  });

  /* ---- the presenter ---- */
  var stage = document.getElementById("presenter");
  var position = 0, total = 0;

  function readStage() {
    var el = stage && stage.querySelector(".presenter-slide");
    // While our own changes are on their way, our target stands; the last answer brings the truth.
    if (el && !pending) position = parseInt(el.dataset.position, 10);
    if (el) total = parseInt(el.dataset.total, 10);
    setCount(position, total);
  }
  readStage();

  socket.on("presenter", function (data) {
    if (!fresh(data) || !stage) return;
    if (status.length && status[0].dataset.state === "slow") setStatus(text("live"), "live");  // stored after all
    stage.innerHTML = data.html;
    readStage();
    preload(data.preload);
  });

  socket.on("participants", function (data) {
    var box = document.getElementById("participants");
    if (box) window.htmx.swap(box, data.html, { swapStyle: "outerHTML" });
  });

  // Phones that came or went: marked on the list as it is (a new name comes with the whole list).
  socket.on("presence", function (data) {
    Object.keys(data.online || {}).forEach(function (id) {
      var row = document.querySelector('#participants [data-participant="' + id + '"]');
      if (!row) return;
      var on = !!data.online[id], said = row.querySelector(".participant__presence");
      row.querySelector(".participant__dot").classList.toggle("is-online", on);
      if (said) said.textContent = on ? said.dataset.online : said.dataset.offline;
    });
  });

  function go(target) {
    if (!stage || !total) return;
    if (!socket.connected && everConnected) {
      missed++;
      setStatus(text("offline_press"), "down");
      return;
    }
    target = Math.max(0, Math.min(total - 1, target));
    if (target === position) return;
    position = target;  // quick presses build on each other; the server's push corrects us if needed
    setCount(position, total);
    if (!socket.connected) { firstIntent = target; return; }  // still connecting: sent once connected
    send(target);
  }

  function send(target) {
    pending++;
    socket.timeout(8000).emit("goto", { position: target }, function (err, answer) {
      pending = Math.max(0, pending - 1);
      if (err) setStatus(text("no_answer"), "down");
      else if (answer && answer.slow) setStatus(answer.error, "slow");
      else if (!answer || !answer.ok) setStatus(answer && answer.error ? answer.error : text("not_sent"), "down");
      if (!pending) readStage();
    });
  }

  if (stage) {
    root.addEventListener("click", function (e) {
      var btn = e.target.closest("[data-goto]");
      if (btn) go(btn.dataset.goto === "next" ? position + 1 : position - 1);
    });
    // the keys of every deck (slide-keys.js); clickers send PageUp/PageDown
    window.slideKeys({ step: function (d) { go(position + d); }, first: function () { go(0); },
                       last: function () { go(total - 1); } });
    var startX = null;
    stage.addEventListener("touchstart", function (e) { startX = e.touches[0].clientX; }, { passive: true });
    stage.addEventListener("touchend", function (e) {
      if (startX === null) return;
      var dx = e.changedTouches[0].clientX - startX;
      if (Math.abs(dx) > 60) go(position + (dx < 0 ? 1 : -1));
      startX = null;
    });
    var started = root.dataset.started ? new Date(root.dataset.started) : null;
    var clock = root.querySelector("[data-elapsed]");
    if (started && clock) {
      setInterval(function () {
        var s = Math.max(0, Math.floor((Date.now() - started.getTime()) / 1000));
        clock.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
      }, 1000);
    }
  }
})();
