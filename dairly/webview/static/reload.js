// dairly preview: reload the page when its file changes (polls the file's modification
// time), and follow #anchor to GitHub's user-content- ids as github.com does.
(function () {
  "use strict";
  var script = document.currentScript;
  var path = script && script.getAttribute("data-path");

  function followAnchor() {
    var name = decodeURIComponent(location.hash.slice(1));
    if (!name || document.getElementById(name)) return;
    var target = document.getElementById("user-content-" + name);
    if (target) target.scrollIntoView();
  }
  window.addEventListener("hashchange", followAnchor);
  window.addEventListener("load", followAnchor);

  if (!path) return;
  var seen = null;
  function poll() {
    fetch("/_dairly/mtime?path=" + encodeURIComponent(path), { cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (stamp) {
        if (stamp === null) return;
        if (seen !== null && stamp !== seen) location.reload();
        seen = stamp;
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 500); });
  }
  poll();
})();
