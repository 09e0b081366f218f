// Starts ReDoc on the documentation page from a file, as the Content-Security-Policy allows
// no inline script; ReDoc's own <redoc> element is not valid HTML.
(function () {
  "use strict";
  var container = document.getElementById("redoc");
  Redoc.init(container.getAttribute("data-spec-url"), {}, container, function () {
    // Code samples that scroll sideways must be reachable by keyboard (WCAG 2.1.1).
    container.querySelectorAll("pre").forEach(function (sample) {
      sample.tabIndex = 0;
    });
  });
})();
