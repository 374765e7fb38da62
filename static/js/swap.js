/* Putting a fragment the server pushed (over Socket.IO) into the page, the way htmx swaps its answers:
   htmx.swap parses it, swaps it and processes its hx- attributes. swapFragment(target, html, style). */
(function () {
  "use strict";
  window.swapFragment = function (target, html, style) {
    window.htmx.swap(target, html, { swapStyle: style || "outerHTML" });
  };
})();
