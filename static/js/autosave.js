/* Autosaving forms ([data-autosave], htmx posts them as the person types): "Editing…", "Saving…", and
   when the connection is gone, "Not saved yet", then a new try. The server's answer says "Saved". */
(function () {
  "use strict";
  function setStatus(form, text, state) {
    var el = form.querySelector("[data-save-status]");
    if (!el) return;
    el.innerHTML = "";
    var span = document.createElement("span");
    span.className = "saved saved--" + state;
    span.textContent = text;
    el.appendChild(span);
  }
  function autosaved(elt) { return elt && elt.closest && elt.closest("[data-autosave]"); }

  document.addEventListener("input", function (e) {
    var form = autosaved(e.target);
    if (form) setStatus(form, window.showcaseText("editing"), "pending");
  });
  document.addEventListener("htmx:beforeRequest", function (e) {
    var form = autosaved(e.detail.elt);
    if (form) setStatus(form, window.showcaseText("saving"), "pending");
  });
  document.addEventListener("htmx:sendError", function (e) {
    var form = autosaved(e.detail.elt);
    if (!form) return;
    setStatus(form, window.showcaseText("not_saved"), "error");
    setTimeout(function () { if (window.htmx) window.htmx.trigger(form, "change"); }, 3000);
  });
})();
