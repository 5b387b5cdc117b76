(function () {
  "use strict";
  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  function say(button, text) {
    button.textContent = text;
    setTimeout(function () { button.textContent = "Copy"; }, 1600);
  }
  document.querySelectorAll("button.copy").forEach(function (button) {
    var code = document.getElementById(button.getAttribute("data-target"));
    if (!code) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = code.textContent;
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(
          function () { say(button, "Copied"); },
          function () { select(code); say(button, "Press Ctrl+C"); }
        );
      } else {
        select(code);
        say(button, "Press Ctrl+C");
      }
    });
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
})();
