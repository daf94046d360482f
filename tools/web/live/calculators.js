// jia-teach: the live calculators' views (issue 24). The same controls, labels, verdicts and
// "Why" line as jia_teach.widgets.PatientCalculator and FollowUpCalculator, drawn with native
// form controls (named, keyboard operable) into each <div class="jia-calc"
// data-jia-calc="patient|followup"> of the page. Every verdict comes from rules.js (JiaRules);
// every label, range, step and default value from the data tools/live_calculators.py reads
// from the kernel widgets. A polite live region says when a verdict changes.
(function () {
  "use strict";
  var R, D;
  var uid = 0;
  var latencies = [];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "html") node.innerHTML = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  // Redraw a readout with the fewest DOM changes: the new HTML is parsed off the page and only
  // the text and attributes that differ are written. A move then changes a few text nodes
  // instead of replacing tables, so the page's mutation observers (frozen.js, widget_a11y.js)
  // and layout have little to do (input to verdict stays well inside 50 ms).
  var scratch = document.createElement("div");
  function patch(a, b) {
    var ac = a.childNodes, bc = b.childNodes;
    if (ac.length !== bc.length) {
      while (a.firstChild) a.removeChild(a.firstChild);
      while (b.firstChild) a.appendChild(b.firstChild);
      return;
    }
    for (var i = 0; i < bc.length; i++) {
      var x = ac[i], y = bc[i];
      if (x.nodeType !== y.nodeType || x.nodeName !== y.nodeName) { a.replaceChild(y.cloneNode(true), x); continue; }
      if (x.nodeType === 3) { if (x.data !== y.data) x.data = y.data; continue; }
      if (x.nodeType !== 1) continue;
      for (var k = x.attributes.length - 1; k >= 0; k--) {
        if (!y.hasAttribute(x.attributes[k].name)) x.removeAttribute(x.attributes[k].name);
      }
      for (var j = 0; j < y.attributes.length; j++) {
        var at = y.attributes[j];
        if (x.getAttribute(at.name) !== at.value) x.setAttribute(at.name, at.value);
      }
      patch(x, y);
    }
  }
  function morph(target, html) {
    if (target.jiaHtml === html) return;
    target.jiaHtml = html;
    scratch.innerHTML = html;
    patch(target, scratch);
    scratch.innerHTML = "";
  }
  function setText(node, text) {
    var t = node.firstChild;
    if (t && t.nodeType === 3 && !t.nextSibling) { if (t.data !== text) t.data = text; }
    else node.textContent = text;
  }
  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  }
  function specs(list) {
    var out = {};
    list.forEach(function (s) { out[s.name] = s; });
    return out;
  }
  function variableOf(stem, marker) { return D.variables[stem === "marker" ? marker : stem]; }
  // widgets._controls._readout: decimals of a slider's readout.
  function decimals(v, step) {
    var d = step < 1 ? Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) : 0;
    return Math.max(d, v.integer ? 0 : v.decimals);
  }
  // Time from an input event to the next frame with its verdict drawn (checked < 50 ms).
  function timed(event, draw) {
    var start = event && event.timeStamp ? event.timeStamp : performance.now();
    draw();
    requestAnimationFrame(function () {
      setTimeout(function () { latencies.push(performance.now() - start); }, 0);
    });
  }

  // A slider with its value beside it; `name` is the accessible name (the widget's tooltip).
  function slider(spec, onInput) {
    var id = "jia-calc-" + (++uid);
    var input = el("input", {
      type: "range", id: id, min: spec.min, max: spec.max, step: spec.step, value: spec.value,
      "aria-label": spec.tooltip || spec.description, "data-control": spec.name
    });
    var out = el("output", {"for": id, "aria-hidden": "true"});
    var box = el("span", {"class": "jia-calc-slider"}, [input, out]);
    box.input = input;
    box.readout = function (digits) { setText(out, R.fixed(parseFloat(input.value), digits)); };
    input.addEventListener("input", onInput);
    return box;
  }
  // ToggleButtons as a radio group: arrow keys move, Tab leaves.
  function radios(spec, onChange) {
    var name = "jia-calc-" + (++uid);
    var legend = el("legend", {text: spec.description || ""});
    var group = el("fieldset", {"class": "jia-calc-radios", "data-control": spec.name}, [legend]);
    spec.options.forEach(function (o) {
      var input = el("input", {type: "radio", name: name, value: JSON.stringify(o[1])});
      if (o[1] === spec.value) input.checked = true;
      input.addEventListener("change", onChange);
      group.appendChild(el("label", {}, [input, el("span", {text: o[0]})]));
    });
    group.value = function () {
      var on = group.querySelector("input:checked");
      return on ? JSON.parse(on.value) : null;
    };
    return group;
  }
  function select(spec, onChange) {
    var id = "jia-calc-" + (++uid);
    var s = el("select", {id: id, "data-control": spec.name});
    spec.options.forEach(function (o) {
      var opt = el("option", {value: o[1], text: o[0]});
      if (o[1] === spec.value) opt.selected = true;
      s.appendChild(opt);
    });
    s.addEventListener("change", onChange);
    return el("span", {"class": "jia-calc-field"}, [el("label", {"for": id, text: spec.description}), s]);
  }
  function checkbox(spec, onChange) {
    var input = el("input", {type: "checkbox", "data-control": spec.name});
    input.checked = Boolean(spec.value);
    input.addEventListener("change", onChange);
    return el("label", {"class": "jia-calc-check"}, [input, el("span", {text: spec.description})]);
  }
  function liveRegion() {
    return el("div", {"class": "jia-calc-announce", role: "status", "aria-live": "polite"});
  }
  function badge() {
    return el("p", {"class": "jia-calc-badge", role: "note",
      text: "Live: this calculator runs in your browser, with nothing to install and nothing sent anywhere."});
  }

  function mark(v) {
    var m = D.colours.verdict[String(v === null ? "none" : v)];
    return {symbol: m[0], colour: m[1]};
  }

  // ------------------------------------------------------------------ PatientCalculator
  function Patient(root, options) {
    var compact = Boolean(options.compact);
    var spec = specs(compact ? D.widgets.patient.compactControls : D.widgets.patient.controls);
    var self = this;
    this.sliders = {};
    var table = el("div", {"class": "jia-calc-table"});
    var verdicts = el("div", {"class": "jia-calc-verdicts"});
    var why = el("div", {"class": "jia-calc-why"});
    var announce = liveRegion();
    var onInput = function (e) { timed(e, function () { self.update(); }); };
    var grid = el("div", {"class": "jia-calc-grid", role: "group", "aria-label": "Core-set values"}, [
      el("span", {"class": "jia-calc-head", text: "Variable"}),
      el("span", {"class": "jia-calc-head", text: "Baseline"}),
      el("span", {"class": "jia-calc-head", text: "Follow-up"})
    ]);
    this.labels = {};
    D.stems.forEach(function (stem) {
      self.labels[stem] = el("span", {"class": "jia-calc-label"});
      grid.appendChild(self.labels[stem]);
      ["baseline", "followup"].forEach(function (which) {
        var box = slider(spec[stem + "_" + which], onInput);
        self.sliders[stem + "_" + which] = box;
        grid.appendChild(box);
      });
    });
    var c = {};
    c.marker = radios(spec.marker, function (e) { timed(e, function () { self.onMarker(); self.update(); }); });
    c.chaq_step = radios(spec.chaq_step, function (e) { timed(e, function () { self.onChaqStep(); self.update(); }); });
    c.fever = radios({name: "fever", description: spec.fever.description,
      options: spec.fever.options.map(function (o) { return [o[0], o[1]]; }), value: spec.fever.value},
      function (e) { timed(e, function () { self.update(); }); });
    var limitSpec = Object.assign({}, spec.worsening_limit, {tooltip: spec.worsening_limit.description});
    c.worsening_limit = slider(limitSpec, onInput);
    c.missing = select(spec.missing, function (e) { timed(e, function () { self.onMissing(); self.update(); }); });
    var limitField = el("span", {"class": "jia-calc-field"}, [
      el("span", {"aria-hidden": "true", text: spec.worsening_limit.description}), c.worsening_limit]);
    this.c = c;
    var title = compact
      ? el("p", {"class": "jia-calc-title", html: "<b>Calculator</b> (illustrative, not trial data)"})
      : el("p", {"class": "jia-calc-title", html: "<b>Single-patient calculator</b> (an illustrative patient, not trial data)"});
    var opts = el("div", {"class": "jia-calc-options"}, [
      el("div", {"class": "jia-calc-row"}, [c.marker, c.chaq_step]), c.fever,
      el("div", {"class": "jia-calc-row"}, [limitField, c.missing])
    ]);
    var controls = el("div", {"class": "jia-calc-controls"}, [title, grid, opts]);
    var readouts = el("div", {"class": "jia-calc-readouts"}, [table, verdicts, why, announce]);
    root.innerHTML = "";
    root.classList.add("jia-calc-patient");
    if (compact) root.classList.add("jia-calc-compact");
    root.appendChild(badge());
    root.appendChild(el("div", {"class": "jia-calc-cols"}, [controls, readouts]));
    this.compact = compact;
    this.parts = {table: table, verdicts: verdicts, why: why, announce: announce};
    this.onMarker();
    this.onChaqStep();
    this.onMissing();
    this.update();
  }
  Patient.prototype.marker = function () { return this.c.marker.value(); };
  Patient.prototype.onMarker = function () {
    var marker = this.marker(), v = D.variables[marker], self = this;
    ["baseline", "followup"].forEach(function (which) {
      var box = self.sliders["marker_" + which];
      box.input.max = v.high;
      box.input.step = v.step;
      box.input.setAttribute("aria-label", v.heading + ", " + (which === "baseline" ? "baseline" : "follow-up"));
    });
    D.stems.forEach(function (stem) {
      var vv = variableOf(stem, marker);
      self.labels[stem].textContent = self.compact ? vv.compact : vv.heading;
    });
  };
  Patient.prototype.onChaqStep = function () {
    var step = this.c.chaq_step.value(), self = this;
    ["baseline", "followup"].forEach(function (which) { self.sliders["chaq_" + which].input.step = step; });
  };
  Patient.prototype.onMissing = function () {
    var gone = this.c.missing.querySelector("select").value, self = this;
    D.stems.forEach(function (stem) { self.sliders[stem + "_followup"].input.disabled = stem === gone; });
  };
  Patient.prototype.values = function (which) {
    var marker = this.marker(), out = {}, self = this;
    var gone = this.c.missing.querySelector("select").value;
    D.stems.forEach(function (stem) {
      var name = stem === "marker" ? marker : stem;
      var value = parseFloat(self.sliders[stem + "_" + which].input.value);
      out[name] = which === "followup" && gone === stem ? null : value;
    });
    return out;
  };
  Patient.prototype.update = function () {
    var marker = this.marker(), self = this;
    D.stems.forEach(function (stem) {
      ["baseline", "followup"].forEach(function (which) {
        var box = self.sliders[stem + "_" + which];
        box.readout(decimals(variableOf(stem, marker), parseFloat(box.input.step)));
      });
    });
    this.c.worsening_limit.readout(2);
    var limit = parseFloat(this.c.worsening_limit.input.value);
    var feverKey = this.c.fever.value();
    var a = R.assess(this.values("baseline"), this.values("followup"), {
      feverFollowup: D.widgets.patient.fever[feverKey], marker: marker, worseningLimit: limit
    });
    this.assessment = a;
    var adapted = a.adapted || {};
    var rows = a.changes.map(function (c) {
      var st = D.colours.status[c.status], v = D.variables[c.name];
      return "<tr><td>" + esc(self.compact ? v.compact : v.heading) + "</td><td class=\"jia-nowrap\">" +
        esc(R.changeText(c.percent_improvement)) + "</td><td style=\"color:" + st[1] +
        "\" class=\"jia-bold\" data-status=\"" + c.status + "\">" + st[0] + " " +
        esc(R.statusText(c.status, c.percent_improvement, limit)) + "</td></tr>";
    });
    morph(this.parts.table, "<table><thead><tr><th>variable</th><th>change</th><th>improved &ge; 30%, worse &gt; " +
      esc(R.g(limit)) + "%</th></tr></thead><tbody>" + rows.join("") + "</tbody></table>");
    function verdict(v, key) {
      var m = mark(v);
      return "<td class=\"jia-bold jia-nowrap\" style=\"color:" + m.colour + "\" data-verdict=\"" + esc(key) + "\">" +
        m.symbol + " " + R.verdictWord(v) + "</td>";
    }
    var cells = ["<tr><th></th><th>ACR Pedi</th><th>adapted (+ no fever)</th></tr>"];
    Object.keys(a.responses).forEach(function (name) {
      var ad = "adapted " + name;
      cells.push("<tr><td>" + esc(name) + "</td>" + verdict(a.responses[name], name) +
        verdict(ad in adapted ? adapted[ad] : null, ad) + "</tr>");
    });
    var acr = a.acr_n === null ? "undecidable" : R.fixed(a.acr_n, 1);
    cells.push("<tr><td>ACR-N</td><td data-verdict=\"ACR-N\">" + acr + "</td><td></td></tr>");
    cells.push("<tr><td>flare</td>" + verdict(a.flare, "flare") + "<td></td></tr>");
    [["baseline", "baseline"], ["followup", "follow-up"]].forEach(function (w) {
      var v = self.values(w[0]);
      var jc = R.jadasText(v.physician_global, v.parent_global, v.active_joints,
        marker === "esr" ? v.esr : null, marker, "10");
      cells.push("<tr><td>JADAS-10 / cJADAS-10, " + w[1] + "</td><td colspan=\"2\" data-verdict=\"JADAS " +
        w[0] + "\">" + esc(jc[0]) + " / " + esc(jc[1]) + "</td></tr>");
    });
    morph(this.parts.verdicts, "<table>" + cells.join("") + "</table>");
    morph(this.parts.why, "<p><b>Why:</b> <span data-why>" + esc(a.explanation) + "</span></p>");
    var said = Object.keys(a.responses).map(function (n) { return n + " " + R.verdictWord(a.responses[n]); })
      .concat(Object.keys(adapted).map(function (n) { return n + " " + R.verdictWord(adapted[n]); })).join("; ");
    if (this.parts.announce.textContent !== said) setText(this.parts.announce, said);
  };

  // ------------------------------------------------------------------ FollowUpCalculator
  function FollowUp(root) {
    var spec = specs(D.widgets.followup.controls);
    var self = this;
    this.sliders = {};
    var onInput = function (e) { timed(e, function () { self.update(); }); };
    var grid = el("div", {"class": "jia-calc-grid", role: "group", "aria-label": "Core-set values at two visits"}, [
      el("span", {"class": "jia-calc-head", text: "Variable"}),
      el("span", {"class": "jia-calc-head", text: "Visit 1"}),
      el("span", {"class": "jia-calc-head", text: "Visit 2"})
    ]);
    this.labels = {};
    D.stems.forEach(function (stem) {
      self.labels[stem] = el("span", {"class": "jia-calc-label"});
      grid.appendChild(self.labels[stem]);
      ["visit1", "visit2"].forEach(function (which) {
        var box = slider(spec[stem + "_" + which], onInput);
        self.sliders[stem + "_" + which] = box;
        grid.appendChild(box);
      });
    });
    var c = {};
    c.marker = radios(spec.marker, function (e) { timed(e, function () { self.onMarker(); self.update(); }); });
    var onChange = function (e) { timed(e, function () { self.update(); }); };
    ["systemic_features", "active_uveitis", "marker_normal", "stiffness_recorded"].forEach(function (k) {
      c[k] = checkbox(spec[k], onChange);
    });
    c.morning_stiffness_min = slider(Object.assign({}, spec.morning_stiffness_min,
      {tooltip: spec.morning_stiffness_min.description}), onInput);
    this.c = c;
    this.parts = {flare: el("div", {"class": "jia-calc-flare"}), jadas: el("div", {"class": "jia-calc-jadas"}),
      inactive: el("div", {"class": "jia-calc-inactive"}), announce: liveRegion()};
    var checklist = el("div", {"class": "jia-calc-checklist", role: "group", "aria-label": "Inactive disease checklist at visit 2"}, [
      el("p", {html: "<b>Inactive disease checklist at visit 2</b> (items not on the sliders)"}),
      c.systemic_features, c.active_uveitis, c.marker_normal,
      el("div", {"class": "jia-calc-row"}, [c.stiffness_recorded, el("span", {"class": "jia-calc-field"}, [
        el("span", {"aria-hidden": "true", text: spec.morning_stiffness_min.description}), c.morning_stiffness_min])])
    ]);
    root.innerHTML = "";
    root.classList.add("jia-calc-followup");
    root.appendChild(badge());
    [el("p", {"class": "jia-calc-title", html: "<b>Follow-up calculator</b> (an illustrative child, not trial data)"}),
      grid, c.marker, this.parts.flare, this.parts.jadas, checklist, this.parts.inactive, this.parts.announce
    ].forEach(function (n) { root.appendChild(n); });
    this.onMarker();
    this.update();
  }
  FollowUp.prototype.marker = function () { return this.c.marker.value(); };
  FollowUp.prototype.onMarker = function () {
    var marker = this.marker(), v = D.variables[marker], self = this;
    ["visit1", "visit2"].forEach(function (which) {
      var box = self.sliders["marker_" + which];
      box.input.max = v.high;
      box.input.step = v.step;
      box.input.setAttribute("aria-label", v.heading + ", " + (which === "visit1" ? "visit 1" : "visit 2"));
    });
    D.stems.forEach(function (stem) { self.labels[stem].textContent = variableOf(stem, marker).heading; });
  };
  FollowUp.prototype.visit = function (which) {
    var self = this;
    return D.stems.map(function (stem) { return parseFloat(self.sliders[stem + "_" + which].input.value); });
  };
  FollowUp.prototype.update = function () {
    var marker = this.marker(), self = this;
    D.stems.forEach(function (stem) {
      ["visit1", "visit2"].forEach(function (which) {
        var box = self.sliders[stem + "_" + which];
        box.readout(decimals(variableOf(stem, marker), parseFloat(box.input.step)));
      });
    });
    this.c.morning_stiffness_min.readout(0);
    var b = this.visit("visit1"), f = this.visit("visit2");
    var keys = D.widgets.followup.definitions.map(function (d) { return d[0]; });
    var labels = {};
    D.widgets.followup.definitions.forEach(function (d) { labels[d[0]] = d[1]; });
    var defs = {}, results = {};
    keys.forEach(function (k) {
      defs[k] = Object.assign({}, D.flarePresets[k], {marker: marker});
      results[k] = R.explainFlare(b, f, defs[k]);
    });
    this.results = results;
    var pct = results[keys[0]].percent_improvement;
    var names = R.coreSet(marker);
    function yes(v) { return v === null ? "?" : v ? "yes" : "no"; }
    var rows = names.map(function (v, j) {
      var cells = [esc(v.heading), R.g(b[j]), R.g(f[j]), R.g(f[j] - b[j], true), R.changeText(pct[j])];
      keys.forEach(function (k) {
        var worse = results[k].counts_as_worse[j];
        var colour = worse === true ? D.colours.vermillion : "#595959";
        cells.push("<span style=\"color:" + colour + "\" data-worse=\"" + k + "\">" +
          (worse === true ? "\u25bc " : "") + yes(worse) + "</span>");
      });
      return "<tr>" + cells.map(function (x) { return "<td>" + x + "</td>"; }).join("") + "</tr>";
    });
    var head = "<tr><th>variable</th><th>visit 1</th><th>visit 2</th><th>change</th><th>%</th>" +
      "<th>counts as worse: trial style</th><th>counts as worse: Brunner 2002</th></tr>";
    function markHtml(v, key) {
      var m = mark(v), word = v === null ? "unknown" : v ? "met" : "not met";
      return "<span class=\"jia-bold\" style=\"color:" + m.colour + "\" data-verdict=\"" + esc(key) + "\">" +
        (v === null ? "? " : m.symbol + " ") + word + "</span>";
    }
    var verdicts = keys.map(function (k) {
      var desc = D.flareDescriptions[marker === "esr" ? k : k + "_crp"];
      return "<p><b>" + esc(labels[k]) + "</b>: " + markHtml(results[k].flare, k) +
        ". <i>" + esc(desc) + "</i></p>";
    });
    morph(this.parts.flare, "<table>" + head + rows.join("") + "</table>" + verdicts.join(""));
    var jadas = {};
    [["visit1", b], ["visit2", f]].forEach(function (w) {
      var v = w[1], out = {};
      ["10", "71"].forEach(function (version) {
        var jc = R.jadasText(v[0], v[1], v[3], v[5], marker, version);
        out["JADAS-" + version] = jc[0];
        out["cJADAS-" + version] = jc[1];
      });
      jadas[w[0]] = out;
    });
    var jrows = ["JADAS-10", "JADAS-71", "cJADAS-10", "cJADAS-71"].map(function (k) {
      return "<tr><td>" + k + "</td><td data-jadas=\"visit1 " + k + "\">" + esc(jadas.visit1[k]) +
        "</td><td data-jadas=\"visit2 " + k + "\">" + esc(jadas.visit2[k]) + "</td></tr>";
    });
    morph(this.parts.jadas, "<table><tr><th>score</th><th>visit 1</th><th>visit 2</th></tr>" + jrows.join("") +
      "</table><p><i>" + esc(D.words.noCutoffNote) + " JADAS-27 needs a 27-joint count and is not " +
      "estimated from these counts.</i></p>");
    var c = this.c;
    var box = function (k) { return c[k].querySelector("input").checked; };
    var stiffness = box("stiffness_recorded") ? parseFloat(c.morning_stiffness_min.input.value) : null;
    var common = {
      active_joints: f[3], systemic_features: box("systemic_features"), active_uveitis: box("active_uveitis"),
      marker_normal: box("marker_normal"), physician_global: f[0], morning_stiffness_min: stiffness
    };
    var inactive = {"2004": R.inactiveDisease(common, "2004"), "2011": R.inactiveDisease(common, "2011")};
    var items = R.inactiveItems(common);
    this.inactive = inactive;
    morph(this.parts.inactive, "<ul>" + D.inactiveItems.map(function (it) {
      return "<li>" + esc(it[1]) + ": " + markHtml(items[it[0]], "item " + it[0]) + "</li>";
    }).join("") + "</ul><p><b>Inactive disease (Wallace 2004)</b>: " + markHtml(inactive["2004"], "inactive 2004") +
      "; <b>(2011 revision)</b>: " + markHtml(inactive["2011"], "inactive 2011") + "</p>");
    var word = function (v) { return v === null ? "unknown" : v ? "met" : "not met"; };
    var said = keys.map(function (k) { return labels[k] + " " + word(results[k].flare); })
      .concat(["inactive disease (Wallace 2004) " + word(inactive["2004"]),
        "inactive disease (2011 revision) " + word(inactive["2011"])]).join("; ");
    if (this.parts.announce.textContent !== said) setText(this.parts.announce, said);
  };

  var VIEWS = {patient: Patient, followup: FollowUp};
  function mountAll(root) {
    (root || document).querySelectorAll(".jia-calc[data-jia-calc]").forEach(function (node) {
      if (node.jiaView) return;
      var View = VIEWS[node.getAttribute("data-jia-calc")];
      if (!View) return;
      var options = JSON.parse(node.getAttribute("data-jia-options") || "{}");
      node.jiaView = new View(node, options);
    });
  }
  window.JiaLive = {
    latencies: latencies,
    mountAll: mountAll,
    start: function (rules) {
      R = rules;
      D = rules.DATA;
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { mountAll(); });
      else mountAll();
    }
  };
})();
