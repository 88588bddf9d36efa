// ASTN page behaviour. Loaded on every page; no inline scripts (the CSP forbids them).
(function () {
  "use strict";
  // Fill hidden time-zone fields (sign-up, settings) with the browser's IANA zone.
  document.querySelectorAll("input[name='timezone'][type='hidden']").forEach(function (input) {
    if (!input.value && window.Intl) {
      input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    }
  });
  // A form that came back with errors: bring the first invalid field into view and focus
  // it, so the message next to it is where the eye is (not a banner off-screen).
  var invalid = document.querySelector("form .is-invalid, form [aria-invalid='true']");
  if (invalid) {
    invalid.scrollIntoView({ block: "center" });
    if (typeof invalid.focus === "function") { invalid.focus({ preventScroll: true }); }
  }
  // Copy-to-clipboard buttons: <button data-copy="text">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
      var label = button.innerHTML;
      button.textContent = "Copied";
      setTimeout(function () { button.innerHTML = label; }, 1500);
    });
  });
})();
