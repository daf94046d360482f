"""Tables of the evidence for slides and pages, with human labels: harms, baselines, MAS rates.

The library decides every cell (labels from :mod:`jia_teach.data.labels` and
:mod:`jia_teach.rules.coreset`, figures as :mod:`jia_teach.evidence` words them, numbers needed from
:mod:`jia_teach.evidence.trial_effects`); a slide only shows the
:class:`~jia_teach.present.display.Table`. No view filters a data frame or prints an internal code
such as ``neutrophils_below_1e9_per_l``.

Examples
--------
>>> print(harms_table("TENDER").rows[3])  # doctest: +NORMALIZE_WHITESPACE
('Neutrophils < 1 × 10⁹/L', '12-week double-blind', '5/75', '0/37',
 'NNH 15 (95% CI NNH 7 to infinity to NNTB 29) (from derived counts)')
"""

from __future__ import annotations

from collections.abc import Sequence

from jia_teach import evidence
from jia_teach.data.labels import BASELINE_LABELS, CONTROL_ARM, arm_label, trial_label
from jia_teach.effects import round_up
from jia_teach.evidence.baseline import baseline_records
from jia_teach.evidence.trial_effects import compare_pair, number_needed
from jia_teach.present.display import Table
from jia_teach.rules.coreset import variable

__all__ = ["baseline_table", "harms_table", "mas_table"]


def _nnh_cell(p: evidence.ArmPair) -> str:
    if p.comparable:
        return compare_pair(p).nnt_text
    if p.percentages_only:
        nn = number_needed(p)
        return f"NNH {round_up(nn):.0f} (point only: percentages, no interval)"
    why = p.why_no_point or ""
    return "no NNH: " + why.split(":")[0].split(";")[0]


def harms_table(trial: str) -> Table:
    """The trial's adverse events: each arm's figure and the number needed to harm, or why not.

    Parameters
    ----------
    trial : str
        E.g. ``"TENDER"``.

    Examples
    --------
    >>> t = harms_table("TENDER")
    >>> t.columns
    ('Harm', 'Phase', 'Tocilizumab', 'Placebo', 'Number needed to harm')
    >>> t.rows[0][-1]
    'no NNH: a count of adverse events, not of patients'
    """
    pairs = evidence.harm_pairs(trial)
    treated = next((p.treated.arm for p in pairs if p.treated is not None), None)
    columns = (
        "Harm",
        "Phase",
        arm_label(treated) if treated else "Treated",
        arm_label(CONTROL_ARM),
    )
    rows = []
    for p in pairs:
        if p.treated is not None and p.control is not None:
            t, c = p.treated.text(), p.control.text()
        else:
            t = "; ".join(f"{f.arm_label}: {f.text()}" for f in p.figures)
            c = ""
        rows.append((p.measure_label, p.timepoint, t, c, _nnh_cell(p)))
    derived = any(p.derived for p in pairs)
    note = "Counts marked derived fit the label's percentages and the arm sizes." if derived else ""
    return Table(
        (*columns, "Number needed to harm"),
        tuple(rows),
        caption=f"{trial_label(trial)}: adverse events as the sources give them",
        note=note,
    )


def _baseline_cell(r: dict, population: str, n: int | None) -> str:
    value = f"{r['value']:g}"
    if r["statistic"] == "percent":
        text = f"{value}{r['unit']}".replace("% ", "% ", 1)
    else:
        sd = "" if r["sd"] is None else f" (SD {r['sd']:g})"
        text = f"{r['statistic']} {value}{sd} {r['unit']}".strip()
    if r["population"] != population:  # another report of the trial, another population
        text += f" [population: {r['population']}]"
    elif r["n"] is not None and n is not None and int(r["n"]) != n:
        text += f" (known for {int(r['n'])})"
    return text


def _variable_label(name: str) -> str:
    if name in BASELINE_LABELS:
        return BASELINE_LABELS[name]
    try:
        return variable(name).plain
    except KeyError:
        return name.replace("_", " ")


def baseline_table(trials: Sequence[str] | None = None) -> Table:
    """Baseline characteristics side by side, each with its statistic (mean or median) and unit.

    A mean of one population beside a median of another is not a comparison of like with
    like; the note names each trial's population and size. ``trials``: by default every
    trial with baseline rows in ``data/baseline.csv``, in file order.

    Examples
    --------
    >>> t = baseline_table()
    >>> t.columns
    ('Characteristic', 'TENDER (tocilizumab)', 'Canakinumab trial 2 (withdrawal)')
    >>> dict((r[0], r[1]) for r in t.rows)["Active joints"]
    'mean 19.8 (SD 15.7) joints'
    """
    records = baseline_records()
    if trials is None:
        trials = list(dict.fromkeys(str(r["trial"]) for r in records))
    order: list[str] = []
    cells: dict[tuple[str, str], str] = {}
    populations = []
    for trial in trials:
        rows = [r for r in records if r["trial"] == trial]
        pops = [r["population"] for r in rows]
        main = max(set(pops), key=pops.count) if pops else ""
        sizes = sorted(
            {int(r["n"]) for r in rows if r["n"] is not None and r["population"] == main},
            reverse=True,
        )
        size = sizes[0] if sizes else None
        for r in rows:
            if r["variable"] not in order:
                order.append(r["variable"])
            cells[(r["variable"], trial)] = _baseline_cell(r, main, size)
        if rows:
            n = f"n = {size}" if size is not None else "n not stated"
            populations.append(f"{trial_label(trial)}: {main} ({n})")
    table_rows = tuple(
        (_variable_label(v), *(cells.get((v, t), "not given") for t in trials)) for v in order
    )
    return Table(
        ("Characteristic", *(trial_label(t) for t in trials)),
        table_rows,
        caption="Baseline characteristics, as each source reports them",
        note="Populations: " + "; ".join(populations) + ". Means and medians are not comparable.",
    )


def mas_table() -> Table:
    """Macrophage activation syndrome across the canakinumab sJIA programme (Grom 2016).

    Events beside exposure-adjusted rates, so that the raw counts cannot be read as risks.

    Examples
    --------
    >>> t = mas_table()
    >>> [r[:3] for r in t.rows]
    [('Canakinumab', '19 events', '2.8 events per 100 patient-years'), \
('Placebo', '2 events', '7.7 events per 100 patient-years')]
    """
    # the pooled MAS figures are those of the reported MAS rate difference (data, not a name)
    diff = next(
        e
        for e in evidence.reported_effects()
        if e.endpoint == "macrophage_activation_syndrome" and e.measure == "rate_difference"
    )
    p = evidence.harm_pair(diff.trial, diff.endpoint, diff.timepoint)
    rows = []
    for arm in dict.fromkeys(f.arm for f in p.figures if f.arm != "all"):
        figs = {f.unit: f for f in p.figures if f.arm == arm}
        events = figs.get("events")
        rate = figs.get("events_per_100_patient_years")
        rows.append(
            (
                arm_label(arm),
                events.text() if events else "not given",
                rate.text() if rate else "not given",
            )
        )
    return Table(
        ("Arm", "Probable MAS events", "Rate"),
        tuple(rows),
        caption="Probable MAS, canakinumab sJIA trials pooled (Grom 2016)",
        note=(
            f"Canakinumab minus placebo: {diff.text} [{diff.status}; {diff.source}]. Exposure "
            "to canakinumab was far longer than to placebo, so the event counts are not risks."
        ),
    )
