/* Small behaviours for every page: the no-JS marker, confirm before destructive posts, the language menu. */
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
})();
