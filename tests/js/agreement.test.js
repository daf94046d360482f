// jia-teach: the browser rules (tools/web/live/rules.js) against jia_teach on every case of
// the generated agreement file (tools/live_agreement.py). node --test; part of `make test`.
// Any difference fails, with the case, so the Python rules and the port cannot drift apart.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const LIVE = process.env.JIA_LIVE_DIR || path.join(ROOT, "build", "live");
const data = JSON.parse(fs.readFileSync(path.join(LIVE, "live-data.json"), "utf8"));
const agreement = JSON.parse(fs.readFileSync(path.join(LIVE, "agreement.json"), "utf8"));
const R = require(path.join(ROOT, "tools", "web", "live", "rules.js"))(data);

const V = (x) => (x === null ? "N" : x ? "T" : "F");
const num = (x) => (x === "-inf" ? -Infinity : x === "inf" ? Infinity : x === null ? NaN : x);
const FEVER = {yes: true, no: false, unknown: null, absent: undefined};

function fail(kind, i, c, field, got, want) {
  assert.fail(`${kind} case ${i} differs in ${field}:\n  JavaScript: ${JSON.stringify(got)}\n` +
    `  jia_teach:  ${JSON.stringify(want)}\n  case: ${JSON.stringify(c.slice(0, 6))}`);
}

test("the agreement file is large enough and covers the edges", () => {
  const p = agreement.patients;
  assert.ok(p.length >= 100000, `only ${p.length} patients`);
  const total = p.length + agreement.followup.length + agreement.jadas.length + agreement.inactive.length;
  assert.ok(total >= 100000);
  assert.ok(p.some((c) => c[0][0] === 3.3 && c[1][0] === 2.31), "3.3 -> 2.31");
  for (const m of ["esr", "crp"]) assert.ok(p.some((c) => c[2] === m), m);
  for (const u of ["cm", "mm"]) assert.ok(p.some((c) => c[3] === u), u);
  for (const f of ["yes", "no", "unknown", "absent"]) assert.ok(p.some((c) => c[5] === f), f);
  for (let j = 0; j < 6; j++) {
    assert.ok(p.some((c) => c[0][j] === 0), `baseline 0 in column ${j}`);
    assert.ok(p.some((c) => c[0][j] === null && c[1].every((x) => x !== null) &&
      c[0].filter((x) => x === null).length === 1), `baseline ${j} alone missing`);
    assert.ok(p.some((c) => c[1][j] === null && c[0].every((x) => x !== null) &&
      c[1].filter((x) => x === null).length === 1), `follow-up ${j} alone missing`);
  }
  for (const ch of "TFN") assert.ok(p.some((c) => c[6].includes(ch)), ch);
});

test("patients: assess, every preset, the words and the Why line agree", () => {
  const presets = agreement.response_presets.map((k) => data.responsePresets[k]);
  const flares = agreement.flare_presets.map((k) => data.flarePresets[k]);
  agreement.patients.forEach((c, i) => {
    const [b, f, marker, unit, limit, fever] = c;
    const names = R.coreSet(marker).map((v) => v.name);
    const obj = (vals) => Object.fromEntries(names.map((n, j) => [n, vals[j]]));
    const a = R.assess(obj(b), obj(f), {feverFollowup: FEVER[fever], marker, vasUnit: unit, worseningLimit: limit});
    const fv = FEVER[fever] === undefined ? null : FEVER[fever];
    let got = Object.values(a.responses).map(V).join("");
    got += a.adapted === null ? "-----" : Object.values(a.adapted).map(V).join("");
    got += V(a.flare);
    got += presets.map((d) => V(R.withFever(R.meetsResponse(a.pct, d, a.baseline, a.followup, marker), d, fv))).join("");
    got += flares.map((d) => V(R.meetsFlare(a.baseline, a.followup, d, marker))).join("");
    if (got !== c[6]) fail("patient", i, c, "verdicts", got, c[6]);
    const status = a.changes.map((x) => x.status[0]).join("");
    if (status !== c[7]) fail("patient", i, c, "status", status, c[7]);
    if (a.acr_n !== c[8]) fail("patient", i, c, "ACR-N", a.acr_n, c[8]);
    a.pct.forEach((p, j) => {
      const want = num(c[9][j]);
      if (!(p === want || (isNaN(p) && isNaN(want)))) fail("patient", i, c, `pct[${j}]`, p, c[9][j]);
    });
    a.changes.forEach((x, j) => {
      const words = [R.changeText(x.percent_improvement), R.statusText(x.status, x.percent_improvement, limit)];
      if (words[0] !== c[10][j][0] || words[1] !== c[10][j][1]) fail("patient", i, c, `words[${j}]`, words, c[10][j]);
    });
    if (a.explanation !== c[11]) fail("patient", i, c, "why", a.explanation, c[11]);
  });
});

test("follow-up calculator: flare presets, counts as worse, improved, the table's words", () => {
  const keys = agreement.flare_presets;
  agreement.followup.forEach((c, i) => {
    const [marker, b, f] = c;
    const res = keys.map((k) => R.explainFlare(b, f, Object.assign({}, data.flarePresets[k], {marker})));
    const verdicts = res.map((r) => V(r.flare)).join("");
    if (verdicts !== c[3]) fail("follow-up", i, c, "flare", verdicts, c[3]);
    res.forEach((r, k) => {
      const worse = r.counts_as_worse.map(V).join("");
      if (worse !== c[4][k]) fail("follow-up", i, c, `counts as worse (${keys[k]})`, worse, c[4][k]);
      const imp = r.improved.map((x) => (x ? "T" : "F")).join("");
      if (imp !== c[5][k]) fail("follow-up", i, c, `improved (${keys[k]})`, imp, c[5][k]);
    });
    b.forEach((x, j) => {
      const words = [R.g(x), R.g(f[j]), R.g(f[j] - x, true), R.changeText(res[0].percent_improvement[j])];
      if (words.join("|") !== c[6][j].join("|")) fail("follow-up", i, c, `words[${j}]`, words, c[6][j]);
    });
  });
});

test("JADAS and cJADAS texts agree", () => {
  agreement.jadas.forEach((c, i) => {
    const got = R.jadasText(c[0], c[1], c[2], c[3], c[4], c[5]);
    if (got[0] !== c[6] || got[1] !== c[7]) fail("jadas", i, c, "text", got, c.slice(6));
  });
});

test("inactive disease and its checklist agree", () => {
  const keys = data.inactiveItems.map((x) => x[0]);
  agreement.inactive.forEach((c, i) => {
    const items = R.inactiveItems(c[0]);
    const got = [V(R.inactiveDisease(c[0], "2004")), V(R.inactiveDisease(c[0], "2011")),
      keys.map((k) => V(items[k])).join("")];
    if (got.join("|") !== c.slice(1).join("|")) fail("inactive", i, [c[0]], "verdicts", got, c.slice(1));
  });
});
