/* Switches the administration's language as soon as one is chosen (the button remains for browsers without scripts). */
(function () {
  "use strict";
  var select = document.getElementById("admin-language-select");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
})();
