/* Spoken reflections (templates/growth/_item.html): record in the browser with MediaRecorder, with a level
   meter and the elapsed time, listen back, keep (upload) or record again. Where the browser cannot record,
   the element says so and the upload form beside it stays the way in. Texts come from the page's data-text-*. */
(function () {
  "use strict";

  var TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];

  function canRecord() {
    return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
  }

  function mmss(seconds) {
    var s = Math.floor(seconds);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function setup(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var $ = function (name) { return root.querySelector("[data-" + name + "]"); };
    var text = function (name) { return root.dataset["text" + name.charAt(0).toUpperCase() + name.slice(1)] || ""; };
    var status = $("status"), time = $("time"), level = $("level"), playback = $("playback");
    if (!canRecord()) {
      $("unsupported").hidden = false;
      return;
    }
    $("controls").hidden = false;
    var stream = null, recorder = null, chunks = [], blob = null, started = 0, timer = null, audio = null, raf = null;

    function stopMeter() {
      if (timer) clearInterval(timer);
      if (raf) cancelAnimationFrame(raf);
      if (audio) audio.close();
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      timer = raf = audio = stream = null;
      level.value = 0;
    }

    function meter() {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return;
      audio = new Context();
      var analyser = audio.createAnalyser();
      analyser.fftSize = 512;
      audio.createMediaStreamSource(stream).connect(analyser);
      var data = new Uint8Array(analyser.fftSize);
      (function draw() {
        analyser.getByteTimeDomainData(data);
        var peak = 0;
        for (var i = 0; i < data.length; i++) peak = Math.max(peak, Math.abs(data[i] - 128) / 128);
        level.value = peak;
        raf = requestAnimationFrame(draw);
      })();
    }

    $("start").addEventListener("click", function () {
      $("review").hidden = true;
      navigator.mediaDevices.getUserMedia({audio: true}).then(function (s) {
        stream = s;
        var type = TYPES.find(function (t) { return MediaRecorder.isTypeSupported(t); });
        recorder = new MediaRecorder(stream, type ? {mimeType: type} : undefined);
        chunks = [];
        recorder.ondataavailable = function (e) { if (e.data && e.data.size) chunks.push(e.data); };
        recorder.onstop = function () {
          stopMeter();
          blob = new Blob(chunks, {type: recorder.mimeType || "audio/webm"});
          playback.src = URL.createObjectURL(blob);
          $("review").hidden = false;
          $("start").hidden = false;
          $("stop").hidden = true;
          status.textContent = text("stopped");
        };
        recorder.start();
        started = Date.now();
        time.textContent = "0:00";
        timer = setInterval(function () { time.textContent = mmss((Date.now() - started) / 1000); }, 250);
        meter();
        $("start").hidden = true;
        $("stop").hidden = false;
        $("stop").focus();
        status.textContent = text("recording");
      }).catch(function () {
        status.textContent = text("denied");
      });
    });

    $("stop").addEventListener("click", function () {
      if (recorder && recorder.state !== "inactive") recorder.stop();
    });

    $("redo").addEventListener("click", function () {
      blob = null;
      $("review").hidden = true;
      $("start").click();
    });

    $("keep").addEventListener("click", function () {
      if (!blob) return;
      var body = new FormData();
      var ext = blob.type.indexOf("ogg") >= 0 ? "ogg" : blob.type.indexOf("mp4") >= 0 ? "m4a" : "webm";
      body.append("file", blob, "reflection." + ext);
      $("keep").disabled = true;
      status.textContent = text("saving");
      fetch(root.dataset.upload, {method: "POST", body: body, credentials: "same-origin",
                                  headers: {"X-CSRFToken": window.csrfToken(), "HX-Request": "true"}})
        .then(function (response) {
          return response.text().then(function (html) {
            var panel = root.closest("#growth");
            if (!panel || !html) throw new Error("no answer");
            panel.outerHTML = html;
            var fresh = document.getElementById("growth");
            if (window.htmx && fresh) window.htmx.process(fresh);
            init(fresh);
          });
        })
        .catch(function () {
          $("keep").disabled = false;
          status.textContent = text("failed");
        });
    });
  }

  function init(scope) {
    if (!scope) return;
    (scope.matches && scope.matches("[data-recorder]") ? [scope] : scope.querySelectorAll("[data-recorder]"))
      .forEach(setup);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (e) { init(e.target); });
})();
