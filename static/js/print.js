/* A [data-print] button prints the page (the record's A4 print styles do the rest). */
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) window.print();
  });
})();
