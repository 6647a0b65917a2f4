// The progress bar of a background job: asks the server how far the job got every second and shows it;
// when the job has ended, reloads the page, which then shows what came of it.
(function () {
  "use strict";
  var card = document.getElementById("job-progress");
  if (!card) { return; }
  var url = card.getAttribute("data-status-url");
  var number = new Intl.NumberFormat(document.documentElement.lang || "id");
  function show(id, value) {
    var element = document.getElementById(id);
    if (element) { element.textContent = value === null || value === undefined ? "–" : number.format(value); }
  }
  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (!status.active) { window.location.reload(); return; }
        var bar = document.getElementById("job-bar");
        if (status.percent === null) { bar.removeAttribute("value"); } else { bar.value = status.percent; }
        document.getElementById("job-state").textContent =
          status.state_label + (status.phase ? " · " + status.phase : "");
        show("job-total", status.rows_total);
        show("job-read", status.rows_read);
        show("job-checked", status.rows_checked);
        show("job-written", status.rows_written);
        document.getElementById("job-seconds").textContent = String(status.seconds);
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 700);
}());
