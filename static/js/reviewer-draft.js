/* Keeps what a reviewer types in this browser until the server has it, so that a dropped connection or
   an error page loses nothing. The copy is tied to the server's version of the scores: once a save goes
   through, the version changes and the copy is dropped. No network, no dependencies. */
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  if (!form || !window.localStorage) { return; }
  var key = form.getAttribute("data-draft-key");
  var version = form.getAttribute("data-version");
  var notice = document.getElementById("draft-restored");
  var fields = Array.prototype.filter.call(form.elements, function (el) {
    return el.name && (el.name.indexOf("score-") === 0 || el.name.indexOf("note-") === 0);
  });

  function read() {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function current() {
    var values = {};
    fields.forEach(function (el) { values[el.name] = el.value; });
    return values;
  }
  function store() {
    try { window.localStorage.setItem(key, JSON.stringify({version: version, values: current()})); } catch (e) { /* full or private mode */ }
  }

  var saved = read();
  var locked = form.querySelector("fieldset[disabled]") !== null;
  if (saved && (saved.version !== version || locked)) {
    window.localStorage.removeItem(key);  // the server has a newer state: that save went through
    saved = null;
  }
  if (saved) {
    var now = current();
    var differs = fields.some(function (el) {
      return saved.values[el.name] !== undefined && saved.values[el.name] !== now[el.name];
    });
    if (differs) {
      fields.forEach(function (el) {
        if (saved.values[el.name] !== undefined) { el.value = saved.values[el.name]; }
      });
      if (notice) {
        notice.hidden = false;
        var discard = notice.querySelector("button");
        if (discard) {
          discard.addEventListener("click", function () {
            window.localStorage.removeItem(key);
            window.location.reload();
          });
        }
      }
    }
  }
  if (!locked) {
    form.addEventListener("input", store);
    form.addEventListener("submit", store);
  }
  // After a refused save, put the keyboard on the first value to correct.
  var invalid = form.querySelector("[aria-invalid=true]");
  if (invalid && !document.querySelector("[autofocus]")) { invalid.focus(); }
})();
