// jia-teach: what ipywidgets 8 does not tell a screen reader (issue 15). The Python views put
// the information on the widget (its tooltip, shown as the element's title, and CSS classes);
// this script turns it into ARIA as each widget is drawn, and keeps it current:
//   - a slider handle (role=slider) is named by its slider's tooltip or description, and
//     announces the value as its readout shows it (aria-valuetext "1.250", not
//     1.2500000000000002);
//   - a radio group is a named radiogroup and one Tab stop: its inputs share a name, so the
//     browser moves between them with the arrow keys (each arrow fires the click the widget
//     listens to);
//   - a widget with the class jia-live is a polite live region (verdicts are announced when
//     they change);
//   - a chart image gets the caption beside it (a widget with the class jia-caption) as alt.
// Used by the live deck (Voila), the static slides, the book and JupyterLab (tools/lab: a small
// prebuilt lab extension that bundles this file and the focus-indicator CSS).
(function () {
  function nameOf(widget) {
    // ipywidgets puts a tooltip on the description label (hidden when there is no text).
    var label = widget.querySelector(":scope > .widget-label");
    var text = label && label.textContent.trim();
    return text || (label && label.getAttribute("title")) || widget.getAttribute("title") || "";
  }

  function valueText(handle, readout) {
    if (!readout) return;
    var text = (readout.value !== undefined && readout.tagName === "INPUT")
      ? readout.value : readout.textContent;
    text = (text || "").trim();
    if (text && handle.getAttribute("aria-valuetext") !== text) {
      handle.setAttribute("aria-valuetext", text);
    }
  }

  function fixSlider(widget) {
    var name = nameOf(widget);
    var readout = widget.querySelector(".widget-readout");
    widget.querySelectorAll("[role='slider']").forEach(function (handle) {
      if (name && handle.getAttribute("aria-label") !== name) handle.setAttribute("aria-label", name);
      valueText(handle, readout);
      if (!handle.__jiaObserved) {
        handle.__jiaObserved = true;
        new MutationObserver(function () { valueText(handle, readout); })
          .observe(handle, {attributes: true, attributeFilter: ["aria-valuenow"]});
      }
    });
  }

  var radioGroups = 0;

  function fix(root) {
    root.querySelectorAll(".widget-slider").forEach(fixSlider);
    root.querySelectorAll(".widget-radio").forEach(function (widget) {
      var box = widget.querySelector(".widget-radio-box");
      var name = nameOf(widget);
      if (box && name) {
        box.setAttribute("role", "radiogroup");
        box.setAttribute("aria-label", name);
      }
      if (box) {
        if (!box.__jiaGroup) {
          box.__jiaGroup = "jia-radio-" + (++radioGroups);
          // The browser moves between the buttons on an arrow key; the page must not also
          // act on it (JupyterLab would move to another cell).
          box.addEventListener("keydown", function (event) {
            if (/^Arrow/.test(event.key)) event.stopPropagation();
          });
        }
        box.querySelectorAll("input[type='radio']").forEach(function (input) {
          if (input.name !== box.__jiaGroup) input.name = box.__jiaGroup;
        });
      }
    });
    root.querySelectorAll(".widget-toggle-buttons").forEach(function (widget) {
      var name = nameOf(widget);
      var box = widget.querySelector(".widget-toggle-button-group, .widget-box") || widget;
      if (name && !box.getAttribute("aria-label")) {
        box.setAttribute("role", "group");
        box.setAttribute("aria-label", name);
      }
    });
    // Keys on a control are the control's: JupyterLab's notebook shortcuts (ArrowUp/Down move
    // between cells in command mode) skip anything inside data-lm-suppress-shortcuts, so the
    // arrow keys choose a radio button or move a slider instead of leaving the cell.
    root.querySelectorAll(".widget-radio-box, .widget-slider, .widget-dropdown, " +
                          ".widget-toggle-buttons").forEach(function (control) {
      if (!control.hasAttribute("data-lm-suppress-shortcuts")) {
        control.setAttribute("data-lm-suppress-shortcuts", "true");
      }
    });
    root.querySelectorAll(".jia-live").forEach(function (region) {
      if (region.getAttribute("aria-live") !== "polite") {
        region.setAttribute("aria-live", "polite");
        region.setAttribute("role", "status");
      }
    });
    // A chart image's alt text is its caption: the .jia-caption widget beside it.
    root.querySelectorAll("img.widget-image").forEach(function (img) {
      var box = img.parentElement;
      var caption = box && box.querySelector(":scope > .jia-caption");
      var text = caption && caption.textContent.trim();
      if (text && img.getAttribute("alt") !== text) img.setAttribute("alt", text);
    });
  }

  // Voila draws a figure output from JSON (<script type="application/vnd.voila.cell-output+json">)
  // with JupyterLab's image renderer, which drops the caption that jia_teach.present.image
  // stores as the output's alt metadata. Remember each caption by the image's data, and give
  // the drawn <img> its alt back.
  var PNG = "data:image/png;base64,";
  var alts = {};
  function learnAlts() {
    document.querySelectorAll("script[type='application/vnd.voila.cell-output+json']")
      .forEach(function (tag) {
        if (tag.__jiaRead) return;
        tag.__jiaRead = true;
        try {
          var output = JSON.parse(tag.textContent);
          var data = output.data || {};
          var meta = (output.metadata || {})["image/png"] || {};
          if (data["image/png"] && meta.alt) alts[data["image/png"].slice(0, 200)] = meta.alt;
        } catch (e) { /* not ours to judge */ }
      });
  }
  function fixOutputImages(root) {
    learnAlts();
    root.querySelectorAll("img[src^='" + PNG + "']:not([alt])").forEach(function (img) {
      var alt = alts[img.getAttribute("src").slice(PNG.length, PNG.length + 200)];
      if (alt) img.setAttribute("alt", alt);
    });
  }

  window.jiaWidgetA11y = function (root) {
    fix(root);
    fixOutputImages(root);
  };
  var pending = false;
  var observer = new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      window.jiaWidgetA11y(document);
    });
  });
  function start() {
    observer.observe(document.body, {childList: true, subtree: true, characterData: true,
                                     attributes: true, attributeFilter: ["title", "class"]});
    window.jiaWidgetA11y(document);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
