/* Small behaviours for every page: the no-JS marker, confirm before destructive posts. */
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
})();
