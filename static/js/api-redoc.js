// Starts ReDoc on the documentation page from a file, as the Content-Security-Policy allows
// no inline script; ReDoc's own <redoc> element is not valid HTML.
(function () {
  "use strict";
  var container = document.getElementById("redoc");
  Redoc.init(container.getAttribute("data-spec-url"), {}, container);
})();
