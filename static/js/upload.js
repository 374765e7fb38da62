/* The uploader ([data-uploader] forms): one file per request, so that each has its own progress bar and its
   own answer. Needs csrf.js. */
(function () {
  "use strict";
  var text = window.showcaseText;

  function Uploader(form) {
    var input = form.querySelector('input[type="file"]');
    var list = form.parentNode.querySelector("[data-upload-list]");
    var maxBytes = parseInt(form.dataset.maxBytes, 10) || 0;
    var queue = [], running = 0, LIMIT = 2;

    function row(file) {
      var li = document.createElement("li");
      li.className = "upload";
      var name = document.createElement("span");
      name.className = "upload__name";
      name.textContent = file.name;
      var bar = document.createElement("progress");
      bar.max = 100; bar.value = 0;
      bar.setAttribute("aria-label", text("uploading_file", { name: file.name }));
      var status = document.createElement("span");
      status.className = "upload__status";
      status.textContent = text("waiting");
      li.append(name, bar, status);
      list.prepend(li);
      return { li: li, bar: bar, status: status };
    }

    function fail(ui, message) {
      ui.li.classList.add("upload--failed");
      ui.bar.remove();
      ui.status.textContent = message;
    }

    function addCards(html) {
      var items = document.getElementById("items");
      var box = document.createElement("div");
      box.innerHTML = html;
      var empty = document.getElementById("items-empty");
      if (empty) empty.remove();
      var cards = box.querySelectorAll(".item-card");
      for (var i = cards.length - 1; i >= 0; i--) items.prepend(cards[i]);
      var note = box.querySelector("[data-note]");
      var firstLink = cards.length ? cards[0].querySelector("a").getAttribute("href") : null;
      return { link: firstLink, note: note ? note.textContent : "" };
    }

    function send(file, ui) {
      running++;
      var data = new FormData();
      data.append("files", file, file.name);
      data.append("csrf_token", window.csrfToken());
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("HX-Request", "true");
      xhr.setRequestHeader("X-CSRFToken", window.csrfToken());
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) {
          ui.bar.value = Math.round((e.loaded / e.total) * 100);
          ui.status.textContent = ui.bar.value < 100 ? text("uploading_percent", { percent: ui.bar.value + "%" }) : text("processing");
        }
      };
      xhr.onload = function () {
        if (xhr.status === 201) {
          var added = addCards(xhr.responseText);
          ui.li.classList.add("upload--done");
          ui.bar.value = 100; ui.bar.remove();
          ui.status.textContent = text("added") + " " + (added.note ? added.note + " " : "");
          if (added.link) {
            var a = document.createElement("a");
            a.href = added.link.replace(/\/?$/, "") + "/edit";
            a.textContent = text("add_title");
            ui.status.append(a);
          }
        } else {
          var box = document.createElement("div");
          box.innerHTML = xhr.responseText;
          var msg = box.querySelector("[data-error], .message p, [role=alert]");
          fail(ui, msg ? msg.textContent.replace(file.name + ": ", "") : text("upload_failed", { status: xhr.status }));
        }
      };
      xhr.onerror = function () { fail(ui, text("connection_lost")); };
      xhr.onloadend = function () { running--; next(); };
      ui.status.textContent = text("uploading");
      xhr.send(data);
    }

    function next() {
      while (running < LIMIT && queue.length) {
        var job = queue.shift();
        send(job.file, job.ui);
      }
    }

    function add(files) {
      Array.prototype.forEach.call(files, function (file) {
        var ui = row(file);
        if (maxBytes && file.size > maxBytes) {
          fail(ui, text("too_large", { mb: Math.round(maxBytes / 1048576) }));
          return;
        }
        queue.push({ file: file, ui: ui });
      });
      next();
    }

    input.addEventListener("change", function () { add(input.files); input.value = ""; });
    form.addEventListener("submit", function (e) { e.preventDefault(); add(input.files); });
    ["dragenter", "dragover"].forEach(function (type) {
      form.addEventListener(type, function (e) { e.preventDefault(); form.classList.add("is-over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      form.addEventListener(type, function (e) { e.preventDefault(); form.classList.remove("is-over"); });
    });
    form.addEventListener("drop", function (e) { if (e.dataTransfer) add(e.dataTransfer.files); });
  }

  function init(root) {
    root.querySelectorAll("form[data-uploader]").forEach(function (form) {
      if (!form.dataset.ready) { form.dataset.ready = "1"; Uploader(form); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (e) { init(e.target); });
})();
