"""The slide tables: human labels only, every cell from the library, accessible HTML."""

from __future__ import annotations

import re

from jia_teach import evidence
from jia_teach.data.labels import EVENT_LABELS
from jia_teach.present.display import Caption, Table
from jia_teach.present.evidence_tables import baseline_table, harms_table, mas_table


def test_harms_table_has_no_internal_codes_and_one_row_per_harm():
    t = harms_table("TENDER")
    text = str(t)
    assert not re.search(r"\b[a-z]+_[a-z0-9_]+\b", text), text  # no snake_case codes
    assert len(t.rows) == len(evidence.harm_pairs("TENDER"))
    assert {r[0] for r in t.rows} <= set(EVENT_LABELS.values())


def test_harms_table_agrees_with_the_explorer_numbers():
    rows = {r[0]: r for r in harms_table("TENDER").rows}
    assert rows["Infusion reaction within 24 h"][2:4] == ("12/75", "2/37")
    assert rows["Infusion reaction within 24 h"][4].startswith("NNH 10 (95% CI NNH 5 to infinity")


def test_baseline_table_says_statistic_unit_and_population():
    t = baseline_table()
    cells = {r[0]: r[1:] for r in t.rows}
    assert cells["Active joints"] == ("mean 19.8 (SD 15.7) joints", "median 10 joints")
    assert cells["Disease duration"][1] == "median 2.1 years (known for 124)"
    assert "not comparable" in t.note and "n = 88" in t.note and "n = 177" in t.note


def test_mas_table_sets_events_beside_exposure_adjusted_rates():
    t = mas_table()
    assert t.rows == (
        ("Canakinumab", "19 events", "2.8 events per 100 patient-years"),
        ("Placebo", "2 events", "7.7 events per 100 patient-years"),
    )
    assert "-4.9" in t.note and "not risks" in t.note


def test_table_html_is_accessible_and_escaped():
    t = Table(("a<b", "c"), (("1", "x & y"),), caption="Cap <i>", note="n")
    html = t._repr_html_()
    assert "<caption>Cap &lt;i&gt;</caption>" in html
    assert "<th scope='col'" in html and "a&lt;b" in html and "x &amp; y" in html
    assert Caption("p < 0.05")._repr_html_() == "<p class='jia-figure-caption'>p &lt; 0.05</p>"
