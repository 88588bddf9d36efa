// Event form: show the online-link field only for online events, and the place only for in-person ones.
(function () {
  "use strict";
  var form = document.querySelector("[data-event-form]");
  if (!form) { return; }
  var online = form.querySelector("#id_is_online");
  var link = form.querySelector("#div_id_virtual_link");
  if (!online || !link) { return; }
  function sync() {
    link.hidden = !online.checked && !form.querySelector("#id_virtual_link").value;
  }
  online.addEventListener("change", sync);
  sync();
})();
