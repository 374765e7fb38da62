/* Small behaviours for every page: the no-JS marker, confirm before destructive posts, the language menu,
   countdowns. */
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");

  // The scripts' messages in the page's language (base.html's #js-messages): text("key", {name: value}).
  var block = document.getElementById("js-messages");
  var messages = block ? JSON.parse(block.textContent) : {};
  window.showcaseText = function (key, values) {
    return (messages[key] || key).replace(/%\((\w+)\)s/g, function (all, name) {
      return values && name in values ? values[name] : all;
    });
  };

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  // the language menu (_language_menu.html): choosing is enough
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-send-on-change]")) event.target.form.submit();
  });

  // <span data-countdown="42">42</span>: counts down the seconds shown; at 0 the element's
  // data-done text replaces its parent's text (e.g. "You can try again now.").
  document.querySelectorAll("[data-countdown]").forEach(function (el) {
    var left = parseInt(el.dataset.countdown, 10);
    var timer = window.setInterval(function () {
      left -= 1;
      if (left > 0) { el.textContent = String(left); return; }
      window.clearInterval(timer);
      if (el.dataset.done && el.parentNode) el.parentNode.textContent = el.dataset.done;
    }, 1000);
  });
})();
