// "Use this device's location": <button data-geolocate> fills the inputs marked
// data-geolocate-lat / data-geolocate-lng (and ticks data-geolocate-consent, if any)
// from the browser's Geolocation API. Nothing is sent anywhere until the form is saved;
// no third-party geocoder is involved.
(function () {
  "use strict";
  function status(button, text) {
    var target = button.parentElement.querySelector("[data-geolocate-status]");
    if (target) { target.textContent = text; }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-geolocate]");
    if (!button) { return; }
    event.preventDefault();
    if (!navigator.geolocation) {
      status(button, "This browser cannot share a location; type the coordinates instead.");
      return;
    }
    var form = button.closest("form");
    status(button, "Asking your browser…");
    navigator.geolocation.getCurrentPosition(function (position) {
      var lat = form.querySelector("[data-geolocate-lat]");
      var lng = form.querySelector("[data-geolocate-lng]");
      var consent = form.querySelector("[data-geolocate-consent]");
      if (lat) { lat.value = position.coords.latitude.toFixed(5); }
      if (lng) { lng.value = position.coords.longitude.toFixed(5); }
      if (consent) { consent.checked = true; }
      status(button, "Filled in. Save to keep it.");
    }, function () {
      status(button, "Your browser did not share a location; type the coordinates instead.");
    }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 });
  });
})();
