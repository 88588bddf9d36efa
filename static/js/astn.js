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
  // Buttons that start slow work (reading a big file, previewing an import):
  // <button type="submit" data-busy="Reading the file…">. On submit the button says so
  // and cannot be pressed twice. Deferred, so the button's own name/value and
  // formmethod still go with the form; re-enabled when the page comes back from the
  // back/forward cache.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.hasAttribute("data-busy")) { return; }
    var message = button.getAttribute("data-busy");
    setTimeout(function () {
      button.setAttribute("data-busy-label", button.innerHTML);
      button.disabled = true;
      var spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm me-1";
      spinner.setAttribute("aria-hidden", "true");
      button.replaceChildren(spinner, document.createTextNode(message));
    }, 0);
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("[data-busy-label]").forEach(function (button) {
      button.innerHTML = button.getAttribute("data-busy-label");
      button.removeAttribute("data-busy-label");
      button.disabled = false;
    });
  });
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
