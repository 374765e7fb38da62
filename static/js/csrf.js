/* The page's CSRF token (base.html's <meta name="csrf-token">), for requests that htmx does not send. */
(function () {
  "use strict";
  window.csrfToken = function () {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  };
})();
