/* Small behaviours for every page: the no-JS marker, confirm before destructive posts, countdowns. */
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
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
