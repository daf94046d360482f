"""Human labels for the codes in ``data/``: trials, arms, end points and adverse events.

One table per kind of code, and the one place that says which arm is the control. The data
schema (:mod:`jia_teach.data.schema`) accepts exactly these codes, so a code without a label cannot
enter ``data/``; views, figures and notebooks take their labels from here and never restate
them.

Examples
--------
>>> endpoint_label("acr30_no_fever")
'JIA ACR30 + no fever (TENDER primary)'
>>> event_label("neutrophils_below_1e9_per_l")
'Neutrophils < 1 × 10⁹/L'
>>> arm_role("placebo"), arm_role("tocilizumab"), arm_role("all")
('control', 'treated', 'other')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

__all__ = [
    "ARM_LABELS",
    "BASELINE_LABELS",
    "CONTROL_ARM",
    "ENDPOINT_LABELS",
    "EVENT_LABELS",
    "NOT_TREATED_ARMS",
    "TRIAL_LABELS",
    "ArmRole",
    "arm_label",
    "arm_role",
    "endpoint_label",
    "event_label",
    "trial_label",
]

#: Baseline variables that are not core-set variables, in words (the core-set ones take
#: their plain label from :func:`jia_teach.rules.coreset.variable`).
BASELINE_LABELS: Mapping[str, str] = {
    "age": "Age",
    "disease_duration": "Disease duration",
    "glucocorticoid_dose": "Glucocorticoid dose",
    "fever": "Fever",
    "prior_biologics": "Any prior biologic",
    "prior_anakinra": "Prior anakinra",
}

#: Trial codes and their display labels.
TRIAL_LABELS: Mapping[str, str] = {
    "TENDER": "TENDER (tocilizumab)",
    "canakinumab-1": "Canakinumab trial 1",
    "canakinumab-2": "Canakinumab trial 2 (withdrawal)",
    "canakinumab-pooled": "Canakinumab sJIA trials, pooled",
    "ANAJIS": "ANAJIS (anakinra)",
}

#: Arm codes and their display labels (``all``: the whole trial or phase, not one arm).
ARM_LABELS: Mapping[str, str] = {
    "tocilizumab": "Tocilizumab",
    "canakinumab": "Canakinumab",
    "anakinra": "Anakinra",
    "placebo": "Placebo",
    "escape": "Escape (open-label tocilizumab)",
    "all": "All patients",
}

#: The control arm of every randomized comparison in the data.
CONTROL_ARM = "placebo"

#: Arms that are not the treated arm of a two-arm comparison.
NOT_TREATED_ARMS: tuple[str, ...] = (CONTROL_ARM, "all", "escape")

#: End point codes and their display labels.
ENDPOINT_LABELS: Mapping[str, str] = {
    "acr30": "JIA ACR30",
    "acr50": "JIA ACR50",
    "acr70": "JIA ACR70",
    "acr90": "JIA ACR90",
    "acr30_no_fever": "JIA ACR30 + no fever (TENDER primary)",
    "acr70_no_fever": "JIA ACR70 + no fever",
    "adapted_acr30": "Adapted JIA ACR30",
    "adapted_acr70": "Adapted JIA ACR70",
    "adapted_acr90": "Adapted JIA ACR90",
    "modified_acr30": "Modified ACRpedi 30 (ANAJIS primary)",
    "modified_acr50": "Modified ACRpedi 50",
    "modified_acr70": "Modified ACRpedi 70",
    "modified_acr100": "Modified ACRpedi 100",
    "systemic_response": "Systemic-symptom response (ANAJIS)",
    "acr30_no_fever_38": "JIA ACR30 + no fever (< 38 C for > 7 days)",
    "acr30_no_fever_crp15": "JIA ACR30 + no fever + CRP < 15 mg/L",
    "acr70_gc_taper_allowed": "JIA ACR70 at week 6 or 8 (GC taper allowed)",
    "inactive_disease": "Inactive disease",
    "fever_free": "Fever-free (14 days)",
    "rash_free": "Rash-free",
    "gc_reduced": "GC dose reduced >= 20% without later ACR30 flare",
    "gc_discontinued": "Glucocorticoids discontinued",
    "oral_gc_discontinued": "Oral glucocorticoids discontinued",
    "gc_taper_attempted": "Glucocorticoid taper attempted",
    "gc_tapered_substantially": "Glucocorticoids tapered substantially",
    "no_active_joints": "No active joints",
    "flare": "Flare",
    "flare_free": "Flare-free",
    "disease_duration": "Disease duration",
    "active_joints": "Active joints",
    "safety": "Safety",
    "macrophage_activation_syndrome": "Probable MAS (adjudicated)",
}

#: Adverse-event codes and their display labels.
EVENT_LABELS: Mapping[str, str] = {
    "adverse_events": "Adverse events (all)",
    "infections": "Infections",
    "serious_infections": "Serious infections",
    "serious_adverse_events": "Serious adverse events",
    "neutrophils_below_1e9_per_l": "Neutrophils < 1 × 10⁹/L",
    "infusion_reaction_during": "Infusion reaction during the infusion",
    "infusion_reaction_24h": "Infusion reaction within 24 h",
    "macrophage_activation_syndrome": "Macrophage activation syndrome",
    "macrophage_activation_syndrome_possible": "Possible macrophage activation syndrome",
    "mas_related_death": "MAS-related death",
}

ArmRole = Literal["treated", "control", "other"]


def _label(table: Mapping[str, str], kind: str, code: str) -> str:
    try:
        return table[code]
    except KeyError:
        raise KeyError(f"unknown {kind} code {code!r}; known: {', '.join(table)}") from None


def trial_label(code: str) -> str:
    """Display label of a trial code, e.g. ``'TENDER (tocilizumab)'``.

    Examples
    --------
    >>> trial_label("canakinumab-1")
    'Canakinumab trial 1'
    """
    return _label(TRIAL_LABELS, "trial", code)


def arm_label(code: str) -> str:
    """Display label of an arm code.

    Examples
    --------
    >>> arm_label("escape")
    'Escape (open-label tocilizumab)'
    """
    return _label(ARM_LABELS, "arm", code)


def endpoint_label(code: str) -> str:
    """Display label of an end point code.

    Examples
    --------
    >>> endpoint_label("adapted_acr30")
    'Adapted JIA ACR30'
    """
    return _label(ENDPOINT_LABELS, "end point", code)


def event_label(code: str) -> str:
    """Display label of an adverse-event code.

    Examples
    --------
    >>> event_label("infusion_reaction_24h")
    'Infusion reaction within 24 h'
    """
    return _label(EVENT_LABELS, "adverse-event", code)


def arm_role(code: str) -> ArmRole:
    """Whether an arm is the control, a treated arm, or neither (whole trial, escape).

    Examples
    --------
    >>> arm_role("canakinumab")
    'treated'
    """
    arm_label(code)  # unknown codes raise
    if code == CONTROL_ARM:
        return "control"
    return "other" if code in NOT_TREATED_ARMS else "treated"
