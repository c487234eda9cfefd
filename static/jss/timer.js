// The chair's timer (templates/council/chair.html): shows the time spent on the case as m:ss, ticking while
// the clock runs, and marks it when the planned time per case is passed. The server keeps the time.
(function () {
  "use strict";
  var panel = document.querySelector("[data-testid=timer]");
  if (!panel) return;
  var output = panel.querySelector("output");
  var elapsed = parseInt(panel.dataset.elapsed, 10) || 0;
  var target = parseInt(panel.dataset.target, 10) || 0;
  var started = Date.now();
  function format(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }
  function show() {
    var seconds = elapsed;
    if (panel.dataset.running === "1") seconds += Math.floor((Date.now() - started) / 1000);
    output.textContent = format(seconds);
    panel.classList.toggle("jss-timer-over", target > 0 && seconds > target);
  }
  show();
  if (panel.dataset.running === "1") window.setInterval(show, 1000);
})();
