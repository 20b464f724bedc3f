/* Follow a long task while it runs: poll the JSON at the script's data-url every data-every
   milliseconds, show each value in the elements marked data-follow-field="<key>" (a
   <progress> gets it as its value; a Bootstrap Italia bar, role="progressbar", as its width
   and aria-valuenow, painted from aria-valuenow at once), and reload once `following` is
   false, to show the outcome. A served file, so the pages need no inline script nor inline
   style (Content-Security-Policy). */
(function () {
  var script = document.currentScript;
  var url = script.dataset.url;
  var every = parseInt(script.dataset.every, 10) || 1500;

  function bar(node, value) {
    node.style.width = value + "%";
    node.setAttribute("aria-valuenow", value);
  }

  function show(data) {
    document.querySelectorAll("[data-follow-field]").forEach(function (node) {
      var value = data[node.dataset.followField];
      if (value === undefined) { return; }
      if (node.tagName === "PROGRESS") {
        node.value = value;
      } else if (node.getAttribute("role") === "progressbar") {
        bar(node, value);
      } else {
        node.textContent = value;
      }
    });
  }

  document.querySelectorAll('[role="progressbar"][data-follow-field]').forEach(function (node) {
    bar(node, node.getAttribute("aria-valuenow") || 0);
  });

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data);
        if (data.following) { setTimeout(poll, every); } else { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, every * 2); });
  }

  setTimeout(poll, every);
})();
