// Org pages: ask before destructive POSTs (<form data-confirm="Question?">), and fill
// coordinates from the browser (see geolocate.js). No inline scripts (the CSP forbids them).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
