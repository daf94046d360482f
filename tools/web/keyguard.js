// jia-teach: a key pressed on a focused control (slider, dropdown, radio button, button, text
// box) belongs to that control: reveal.js must not also turn the slide (issue 15). reveal.js
// listens on `document`; this listener on <html> runs first as the event bubbles up and stops
// it there, after the control itself has handled it. reveal's own arrows are left alone.
(function () {
  var CONTROLS = ".jupyter-widgets, .widget-area, input, select, textarea, button, " +
    "[role='slider'], [role='radio'], [role='listbox'], [role='option'], [contenteditable]";
  document.documentElement.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || target.closest(".reveal > .controls")) return;
    if (target.closest(CONTROLS)) event.stopPropagation();
  });
})();
