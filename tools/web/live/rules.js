// jia-teach: the single-patient rules in the browser, for the live calculators of the static
// book and the offline slides (issue 24). A line-by-line port of the one-row path of
// jia_teach.assess / explain_flare / jadas_text / inactive_disease: the same quantised integer
// arithmetic, the same rules at the edges, the same words. Every number (ranges, levels,
// presets, labels) comes from DATA, which tools/live_calculators.py generates from the Python
// definitions; nothing here restates a threshold. tests/js/agreement.test.js checks this file
// against jia_teach on every case of a generated agreement file (make test).
//
// Works as a browser script (window.JiaRules = factory) and as a CommonJS module (node test).
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory;
  else root.JiaRules = factory;
})(typeof self !== "undefined" ? self : this, function (DATA) {
  "use strict";
  var Q = DATA.quantum;
  var GLOBALS = [0, 1];
  var JOINTS = [3, 4];

  // ------------------------------------------------------------------ numbers
  // numpy.rint: round half to even (Math.round rounds half up).
  function rint(x) {
    var r = Math.round(x);
    if (r - x === 0.5 && r % 2 !== 0) r -= 1;
    return r;
  }
  function quantise(x) {
    return x === null || isNaN(x) ? NaN : rint(x * Q);
  }
  // criteria.percent_improvement for one cell: exact at thresholds (3.3 -> 2.31 is 30.0).
  function percent(bq, fq) {
    if (isNaN(bq) || isNaN(fq)) return NaN;
    if (bq === 0) return fq > 0 ? -Infinity : fq === 0 ? 0 : NaN;
    return ((bq - fq) * 100) / bq;
  }
  function count(arr, test) {
    var n = 0;
    for (var j = 0; j < arr.length; j++) if (test(arr[j], j)) n++;
    return n;
  }

  // Python's number formatting, digit for digit: x.toFixed(100) is the exact decimal value of
  // the double (for the magnitudes a core-set value can have), rounded here half to even as
  // Python's format() does (toFixed itself rounds ties up).
  function exactDigits(x) {
    var s = Math.abs(x).toFixed(100);
    var dot = s.indexOf(".");
    return {int: s.slice(0, dot), frac: s.slice(dot + 1)};
  }
  function roundDigits(digits, keep) {
    // digits: a string of decimal digits; keep the first `keep`, half to even on the rest.
    var head = digits.slice(0, keep);
    var rest = digits.slice(keep);
    var first = rest.length ? rest.charCodeAt(0) - 48 : 0;
    var tail = /[1-9]/.test(rest.slice(1));
    var last = head.length ? head.charCodeAt(head.length - 1) - 48 : 0;
    var up = first > 5 || (first === 5 && (tail || last % 2 === 1));
    if (!up) return head;
    var out = head.split("");
    var i = out.length - 1;
    while (i >= 0) {
      if (out[i] === "9") { out[i] = "0"; i--; } else { out[i] = String.fromCharCode(out[i].charCodeAt(0) + 1); break; }
    }
    if (i < 0) out.unshift("1");
    return out.join("");
  }
  function sign(x) {
    return x < 0 || (x === 0 && 1 / x < 0) ? "-" : "";
  }
  // f"{x:.{d}f}"
  function fixed(x, d) {
    if (isNaN(x)) return "nan";
    if (!isFinite(x)) return sign(x) + "inf";
    var e = exactDigits(x);
    var all = roundDigits(e.int + e.frac, e.int.length + d);
    var intLen = all.length - d;
    var ip = all.slice(0, intLen).replace(/^0+(?=\d)/, "");
    return sign(x) + ip + (d ? "." + all.slice(intLen) : "");
  }
  // f"{x:g}" (precision 6), and f"{x:+g}" with plus = true.
  function g(x, plus) {
    var s;
    if (isNaN(x)) s = "nan";
    else if (!isFinite(x)) s = "inf";
    else if (x === 0) s = "0";
    else {
      var e = exactDigits(x);
      var digits = e.int + e.frac;
      var lead = digits.search(/[1-9]/);
      var exp = e.int.length - 1 - lead;
      var sig = roundDigits(digits.slice(lead), 6);
      if (sig.length > 6) { exp += 1; sig = sig.slice(0, 6); }
      if (exp < -4 || exp >= 6) {
        var m = (sig[0] + "." + sig.slice(1)).replace(/\.?0+$/, "");
        s = m + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
      } else if (exp >= 0) {
        s = (sig.slice(0, exp + 1) + "." + sig.slice(exp + 1)).replace(/\.?0+$/, "");
        if (s.indexOf(".") < 0 && s.length < exp + 1) s += new Array(exp + 2 - s.length).join("0");
      } else {
        s = ("0." + new Array(-exp).join("0") + sig).replace(/\.?0+$/, "");
      }
    }
    var sg = isNaN(x) ? "" : sign(x);
    return (sg || (plus ? "+" : "")) + s;
  }

  // ------------------------------------------------------------------ the core set
  function coreSet(marker) {
    if (DATA.markers.indexOf(marker) < 0) throw new Error("marker must be 'esr' or 'crp', not '" + marker + "'");
    return DATA.core.concat([marker]).map(function (n) { return DATA.variables[n]; });
  }
  function highs(marker) {
    return coreSet(marker).map(function (v) { return quantise(v.high); });
  }

  // inputs.read_core_set for one row: range checks, VAS in mm divided by 10.
  function readRow(values, which, marker, vasUnit) {
    var vars = coreSet(marker);
    var names = vars.map(function (v) { return v.name; });
    Object.keys(values).forEach(function (k) {
      if (names.indexOf(k) < 0) throw new Error("unknown variable '" + k + "' in the " + which + " values");
    });
    return vars.map(function (v) {
      var x = values[v.name];
      if (x === null || x === undefined || (typeof x === "number" && isNaN(x))) return NaN;
      var scale = v.kind === "global" && vasUnit === "mm" ? 10 : 1;
      if (!(x >= v.low * scale && x <= v.high * scale)) {
        throw new Error("column '" + v.name + "_" + which + "': " + g(x) + " is out of range");
      }
      if (v.integer && x !== Math.floor(x)) {
        throw new Error("column '" + v.name + "_" + which + "': " + g(x) + " is not a whole number of joints");
      }
      return scale !== 1 ? x / scale : x;
    });
  }

  // criteria._possible for one row: could a missing cell still improve? worsen?
  function possible(b, f, marker, improveLevel, worsenLimit, inclusive, rise) {
    var high = highs(marker);
    var canI = [], canW = [];
    for (var j = 0; j < 6; j++) {
      var bq = quantise(b[j]), fq = quantise(f[j]), h = high[j], r = rise ? rise[j] : 0;
      var bn = isNaN(bq), fn = isNaN(fq);
      if (bn && fn) { canI.push(true); canW.push(true); continue; }
      if (bn) {
        canI.push(fq === 0 || (improveLevel < 100 && fq * 100 <= h * (100 - improveLevel)));
        canW.push(fq > 0 && fq >= r);
      } else {
        canI.push(bq > 0);
        var top = Math.max(bq * (100 + worsenLimit), (bq + r) * 100);
        var w = inclusive ? top <= h * 100 : bq * (100 + worsenLimit) < h * 100;
        canW.push(w && bq + r <= h && h > 0);
      }
    }
    return [canI, canW];
  }

  function three(certainTrue, certainFalse) {
    return certainTrue ? true : certainFalse ? false : null;
  }
  function and3(a, b) { // Kleene
    if (a === false || b === false) return false;
    if (a === null || b === null) return null;
    return true;
  }

  // criteria.meets_response for one row (b, f: raw values; pct: percent_improvement).
  function meetsResponse(pct, d, b, f, marker) {
    var improved = count(pct, function (p) { return p >= d.level; });
    var worsened = count(pct, function (p) { return p < -d.worsening_limit; });
    var mayI = 0, mayW = 0;
    if (count(pct, isNaN)) {
      var pw = possible(b, f, marker || d.marker, d.level, d.worsening_limit, false, null);
      mayI = count(pct, function (p, j) { return isNaN(p) && pw[0][j]; });
      mayW = count(pct, function (p, j) { return isNaN(p) && pw[1][j]; });
    }
    var k = d.min_improved, m = d.max_worsened;
    return three(improved >= k && worsened + mayW <= m, improved + mayI < k || worsened > m);
  }
  function withFever(result, d, fever) {
    if (!d.require_no_fever) return result;
    if (fever === undefined) throw new Error(d.name + " needs fever at follow-up");
    return and3(result, fever === null ? null : !fever);
  }

  function flareRise(d) {
    var rise = [0, 0, 0, 0, 0, 0];
    if (d.min_rise_global_cm !== null) GLOBALS.forEach(function (j) { rise[j] = rint(d.min_rise_global_cm * Q); });
    if (d.min_rise_joints !== null) JOINTS.forEach(function (j) { rise[j] = d.min_rise_joints * Q; });
    return rise;
  }
  // criteria.flare_worse for one row.
  function flareWorse(b, f, pct, d) {
    return pct.map(function (p, j) {
      var worse = p <= -d.level;
      if (d.min_rise_global_cm !== null && GLOBALS.indexOf(j) >= 0) {
        worse = worse && quantise(f[j]) - quantise(b[j]) >= rint(d.min_rise_global_cm * Q);
      }
      if (d.min_rise_joints !== null && JOINTS.indexOf(j) >= 0) {
        worse = worse && f[j] - b[j] >= d.min_rise_joints;
      }
      return worse;
    });
  }
  // criteria.meets_flare for one row.
  function meetsFlare(b, f, d, marker) {
    var pct = b.map(function (x, j) { return percent(quantise(x), quantise(f[j])); });
    var worsened = count(flareWorse(b, f, pct, d), Boolean);
    var improved = count(pct, function (p) { return p >= d.improvement_level; });
    var mayI = 0, mayW = 0;
    if (count(pct, isNaN)) {
      var pw = possible(b, f, marker || d.marker, d.improvement_level, d.level, true, flareRise(d));
      mayI = count(pct, function (p, j) { return isNaN(p) && pw[0][j]; });
      mayW = count(pct, function (p, j) { return isNaN(p) && pw[1][j]; });
    }
    var k = d.min_worsened, m = d.max_improved;
    return three(worsened >= k && improved + mayI <= m, worsened + mayW < k || improved > m);
  }

  // criteria.classify for one row: 1 improved, -1 worsened, 0 neither, -2 missing.
  function classify(pct, level, limit) {
    return pct.map(function (p) { return isNaN(p) ? -2 : p < -limit ? -1 : p >= level ? 1 : 0; });
  }
  // ResponseProfile.acr_n for one row.
  function acrN(pct, limit, maxWorsened, minImproved) {
    if (count(pct, isNaN)) return null;
    var s = pct.slice().sort(function (a, b) { return a - b; });
    var out = Math.min(Math.max(s[6 - minImproved], 0), 100);
    if (maxWorsened < 6 && s[maxWorsened] < -limit) out = 0;
    return out;
  }

  var STATUS = {"1": "improved", "-1": "worsened", "0": "unchanged", "-2": "missing"};

  function shortNames(mask, names) {
    return names.filter(function (n, j) { return mask[j]; })
      .map(function (n) { return DATA.variables[n].short; }).join(", ");
  }
  // patient.explain_response
  function explainResponse(pct, d, names, verdict) {
    var improved = pct.map(function (p) { return p >= d.level; });
    var worsened = pct.map(function (p) { return p < -d.worsening_limit; });
    var missing = pct.map(function (p) { return isNaN(p); });
    var i = count(improved, Boolean), w = count(worsened, Boolean), u = count(missing, Boolean);
    var parts = [i + " variable" + (i !== 1 ? "s" : "") + " improved >= " + g(d.level) + "%"];
    if (i) parts[0] += " (" + shortNames(improved, names) + ")";
    parts.push(w + " worsened > " + g(d.worsening_limit) + "%" + (w ? " (" + shortNames(worsened, names) + ")" : ""));
    if (u) parts.push(u + " missing (" + shortNames(missing, names) + ")");
    var tail;
    if (verdict === null) tail = d.name + " cannot be decided until the missing values are known";
    else if (verdict) tail = "meets " + d.name;
    else {
      var reasons = [];
      if (i + u < d.min_improved) reasons.push("needs " + d.min_improved + " improved");
      if (w > d.max_worsened) reasons.push("at most " + d.max_worsened + " may worsen");
      if (!reasons.length) {
        reasons.push("needs " + d.min_improved + " improved, and no possible value of the missing " +
          "variables gives that: a baseline of 0 cannot improve");
      }
      tail = "does not meet " + d.name + " (" + reasons.join("; ") + ")";
    }
    return parts.join("; ") + ": " + tail;
  }

  function responseDefinition(level, limit, marker) {
    var base = DATA.responsePresets["acr" + level];
    return {
      name: "ACR" + level, level: level, min_improved: base.min_improved, worsening_limit: limit,
      max_worsened: base.max_worsened, require_no_fever: false, marker: marker
    };
  }

  // patient.assess. opts: feverFollowup (true, false, null = unknown, undefined = not given),
  // marker ("esr"), vasUnit ("cm"), worseningLimit (30), flare (a flare definition).
  function assess(baseline, followup, opts) {
    opts = opts || {};
    var marker = opts.marker || "esr";
    var vasUnit = opts.vasUnit || "cm";
    var limit = opts.worseningLimit === undefined ? 30 : opts.worseningLimit;
    if (!(isFinite(limit) && limit > 0 && limit <= 100)) throw new Error(limit + " is not a worsening limit");
    var flareDef = Object.assign({}, opts.flare || DATA.flarePresets.trial, {marker: marker});
    var names = coreSet(marker).map(function (v) { return v.name; });
    var b = readRow(baseline, "baseline", marker, vasUnit);
    var f = readRow(followup, "followup", marker, vasUnit);
    var pct = b.map(function (x, j) { return percent(quantise(x), quantise(f[j])); });
    var defs = DATA.levels.map(function (l) { return responseDefinition(l, limit, marker); });
    var responses = {};
    defs.forEach(function (d) { responses[d.name] = meetsResponse(pct, d, b, f); });
    var adapted = null;
    if (opts.feverFollowup !== undefined) {
      adapted = {};
      defs.forEach(function (d) {
        var a = Object.assign({}, d, {require_no_fever: true});
        adapted["adapted " + d.name] = withFever(meetsResponse(pct, a, b, f), a, opts.feverFollowup);
      });
    }
    var status = classify(pct, 30, limit);
    var changes = coreSet(marker).map(function (v, j) {
      return {
        name: v.name, label: v.label, unit: v.unit,
        baseline: isNaN(b[j]) ? null : b[j], followup: isNaN(f[j]) ? null : f[j],
        percent_improvement: isNaN(pct[j]) ? null : pct[j], status: STATUS[status[j]]
      };
    });
    var met = defs.filter(function (d) { return responses[d.name]; });
    var missed = defs.filter(function (d) { return !responses[d.name]; });
    var parts = [];
    if (met.length) {
      var top = met[met.length - 1];
      parts.push(explainResponse(pct, top, names, responses[top.name]));
    }
    if (missed.length) {
      var nxt = explainResponse(pct, missed[0], names, responses[missed[0].name]);
      parts.push(met.length ? missed[0].name + " not met: " + nxt : nxt);
    }
    var highest = met.length ? met[met.length - 1].name : null;
    return {
      changes: changes, responses: responses, adapted: adapted,
      acr_n: acrN(pct, limit, 1, 3), flare: meetsFlare(b, f, flareDef), explanation: parts.join("; "),
      highest_level: highest, pct: pct, baseline: b, followup: f
    };
  }

  // patient.explain_flare: the verdict and, per variable, whether it counts as worse.
  function explainFlare(b, f, d) {
    var pct = b.map(function (x, j) { return percent(quantise(x), quantise(f[j])); });
    var single = Object.assign({}, d, {min_worsened: 1, max_improved: 6});
    var worse = b.map(function (x, j) {
      var bb = [1, 1, 1, 1, 1, 1], ff = [1, 1, 1, 1, 1, 1];
      bb[j] = x; ff[j] = f[j];
      return meetsFlare(bb, ff, single);
    });
    return {
      flare: meetsFlare(b, f, d), counts_as_worse: worse,
      improved: pct.map(function (p) { return p >= d.improvement_level; }), percent_improvement: pct
    };
  }

  // ------------------------------------------------------------------ activity
  function outOfRange(x) { return "not computable (" + g(x) + " is out of range)"; }
  // activity.jadas_text
  function jadasText(md, pa, aj, esr, marker, joints) {
    marker = marker || "esr"; joints = joints || "10";
    if (md === null || pa === null || aj === null) {
      var missing = "not computable (a value is missing)";
      return [missing, missing];
    }
    var top = DATA.jadasJointCounts[joints];
    var checks = [[md, DATA.variables.physician_global.high], [pa, DATA.variables.parent_global.high], [aj, top]];
    for (var i = 0; i < checks.length; i++) {
      var x = checks[i][0];
      if (!isNaN(x) && (x < 0 || x > checks[i][1])) return [outOfRange(x), outOfRange(x)];
    }
    var a = joints === "10" ? Math.min(aj, 10) : aj;
    var total = md + pa + a;
    var c = fixed(total, 1), j;
    if (marker !== "esr") j = DATA.words.jadasNeedsEsr;
    else if (esr === null) j = "not computable (ESR missing)";
    else {
      if (!isNaN(esr) && (esr < 0 || esr > DATA.variables.esr.high)) return [outOfRange(esr), outOfRange(esr)];
      j = fixed(total + Math.min(Math.max((esr - 20) / 10, 0), 10), 1);
    }
    return [j, c];
  }
  // activity.inactive_disease
  function inactiveDisease(o, criteria) {
    var met = o.active_joints === 0 && !o.systemic_features && !o.active_uveitis &&
      Boolean(o.marker_normal) && o.physician_global === 0;
    if (!met || criteria === "2004") return met;
    if (o.morning_stiffness_min === null || o.morning_stiffness_min === undefined) return null;
    return o.morning_stiffness_min <= 15;
  }
  // activity.inactive_disease_items
  function inactiveItems(o) {
    var ok = {active_joints: 0, systemic_features: false, active_uveitis: false, marker_normal: true, physician_global: 0};
    function one(change) { return inactiveDisease(Object.assign({}, ok, change), "2004"); }
    return {
      no_active_joints: one({active_joints: o.active_joints}),
      no_systemic: one({systemic_features: o.systemic_features}),
      no_uveitis: one({active_uveitis: o.active_uveitis}),
      marker_normal: one({marker_normal: o.marker_normal}),
      physician_zero: one({physician_global: o.physician_global}),
      stiffness: inactiveDisease(Object.assign({}, ok, {morning_stiffness_min: o.morning_stiffness_min}), "2011")
    };
  }

  // ------------------------------------------------------------------ words (widgets/_controls)
  function statusText(status, pct, limit, level) {
    if (level === undefined) level = 30;
    if (status !== "unchanged") return status;
    if (pct === null || pct === 0) return "no change";
    if (pct > 0) return "not improved (< " + g(level) + "%)";
    return "not worsened (\u2264 " + g(limit) + "% worse)";
  }
  function changeText(pct) {
    if (pct === null || isNaN(pct)) return "not known";
    if (!isFinite(pct)) return "worse (from 0)";
    if (pct === 0) return "no change";
    return fixed(Math.abs(pct), 1) + "% " + (pct > 0 ? "better" : "worse");
  }
  function verdictWord(v) { return v === null ? "undecidable" : v ? "met" : "not met"; }

  return {
    DATA: DATA, quantise: quantise, percent: percent, fixed: fixed, g: g, coreSet: coreSet,
    meetsResponse: meetsResponse, withFever: withFever, meetsFlare: meetsFlare, classify: classify,
    acrN: acrN, explainResponse: explainResponse, assess: assess, explainFlare: explainFlare,
    jadasText: jadasText, inactiveDisease: inactiveDisease, inactiveItems: inactiveItems,
    statusText: statusText, changeText: changeText, verdictWord: verdictWord, readRow: readRow
  };
});
