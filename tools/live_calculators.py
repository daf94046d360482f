"""Live calculators for the static book and the offline slides (issue 24), with no kernel.

The patient calculator (tutorial 01, the deck) and the follow-up calculator (tutorial 07) run
in the reader's browser from ``tools/web/live/rules.js`` (the one-row rules of
:func:`jia_teach.assess`, ported line by line) and ``tools/web/live/calculators.js`` (the
controls and readouts). Every number and word they use comes from here, generated from the
Python definitions and from the kernel widgets themselves:

* :func:`live_data` - ranges, steps, labels, levels, presets, the default patients and each
  widget control's name, description, range, step, value and options, read from a
  :class:`~jia_teach.widgets.PatientCalculator` and a
  :class:`~jia_teach.widgets.FollowUpCalculator`;
* :func:`write_bundle` - ``jia-live.js`` (that data, the rules and the views in one script,
  so a page opened from disk needs no fetch) and ``jia-live.css``;
* :func:`mark_live_cells` - in a *copy* of a notebook (the book's ``tutorials/``, the deck's
  paper copy), the calculator cell's saved widget view becomes a mount point that the script
  fills; nothing else changes, so every other widget keeps its "frozen" note;

The agreement of ``rules.js`` with :mod:`jia_teach` on 100,000+ generated cases is
:mod:`tools.live_agreement`'s.

Command line: ``python -m tools.live_calculators bundle FOLDER`` (the script and the
stylesheet) and ``python -m tools.live_calculators data FILE`` (the constants alone, as JSON,
for the node test).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "tools" / "web" / "live"
BUNDLE_JS = "jia-live.js"
BUNDLE_CSS = "jia-live.css"

#: Which notebook cells hold which live calculator: (notebook stem, code that makes the view,
#: the view's key in calculators.js, options). The cell is found by its code, so a notebook
#: needs no edit to be live.
LIVE_CELLS: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    ("01_core_set_and_acr_pedi", "calc = PatientCalculator()", "patient", {}),
    ("07_flare_inactive_disease_jadas", "follow_up = FollowUpCalculator()", "followup", {}),
    ("grand_rounds", "calc = PatientCalculator(compact=True)", "patient", {"compact": True}),
)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


# ---------------------------------------------------------------------------- data
def _jt() -> dict[str, Any]:
    """The library modules used here (one place to change if they move)."""
    from jia_teach.rules import coreset, definitions
    from jia_teach.scoring import activity, criteria, patient
    from jia_teach.widgets import _controls

    return {
        "activity": activity,
        "coreset": coreset,
        "criteria": criteria,
        "definitions": definitions,
        "patient": patient,
        "controls": _controls,
    }


def _control_spec(name: str, widget: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": name, "type": type(widget).__name__}
    for attr in ("description", "tooltip", "min", "max", "step", "value", "readout_format"):
        if hasattr(widget, attr):
            spec[attr] = getattr(widget, attr)
    options = getattr(widget, "options", None)
    if options is not None:
        spec["options"] = [list(o) if isinstance(o, tuple) else [str(o), o] for o in options]
    return spec


def _widget_specs() -> dict[str, Any]:
    """Each kernel widget's controls as the browser views rebuild them."""
    from jia_teach.widgets import FollowUpCalculator, PatientCalculator
    from jia_teach.widgets import calculator as calc_mod
    from jia_teach.widgets import followup as follow_mod

    out: dict[str, Any] = {}
    for key, view in (("patient", PatientCalculator()), ("followup", FollowUpCalculator())):
        out[key] = {"controls": [_control_spec(n, w) for n, w in view.controls.items()]}
    out["patient"]["compactControls"] = [
        _control_spec(n, w) for n, w in PatientCalculator(compact=True).controls.items()
    ]
    out["patient"]["fever"] = {k: (None if v is pd.NA else v) for k, v in calc_mod._FEVER.items()}
    # In the widget's order (trial style first): a list, since JSON objects carry no order.
    out["followup"]["definitions"] = [[k, v] for k, v in follow_mod._DEF_LABEL.items()]
    return out


def live_data() -> dict[str, Any]:
    """Every constant the browser calculators use, from the Python definitions (JSON-ready).

    Examples
    --------
    >>> data = live_data()
    >>> data["levels"], data["variables"]["chaq"]["step"], data["responsePresets"]["acr50"]["level"]
    ([30, 50, 70, 90, 100], 0.125, 50.0)
    """
    jt = _jt()
    coreset, definitions, activity = jt["coreset"], jt["definitions"], jt["activity"]
    controls = jt["controls"]
    variables = {}
    for name in (*coreset.CORE_VARIABLES, *coreset.MARKERS):
        v = coreset.variable(name)
        variables[name] = {
            **dataclasses.asdict(v),
            "heading": v.heading,
            "allowed": v.allowed,
        }
    flares = definitions.FLARE_PRESETS
    return {
        "quantum": jt["criteria"].QUANTUM,
        "levels": list(definitions.LEVELS),
        "markers": list(coreset.MARKERS),
        "core": list(coreset.CORE_VARIABLES),
        "stems": list(controls.STEMS),
        "variables": variables,
        "responsePresets": {
            k: dataclasses.asdict(d) for k, d in definitions.RESPONSE_PRESETS.items()
        },
        "flarePresets": {k: dataclasses.asdict(d) for k, d in flares.items()},
        "flareDescriptions": {
            k: d.replace(marker=m).describe() for k, d in flares.items() for m in ("esr",)
        }
        | {f"{k}_crp": d.replace(marker="crp").describe() for k, d in flares.items()},
        "jadasJointCounts": dict(activity._JOINT_COUNTS),
        "inactiveItems": [list(item) for item in activity.INACTIVE_ITEMS],
        "words": {
            "jadasNeedsEsr": activity.jadas_text(0, 0, 0, 0, marker="crp")[0],
            "noCutoffNote": activity.NO_CUTOFF_NOTE,
        },
        "colours": {
            "status": {k: list(v) for k, v in controls.STATUS_STYLE.items()},
            "verdict": {
                str(v).lower(): list(controls.verdict_mark(v)) for v in (True, False, None)
            },
            "blue": controls.TEXT_BLUE,
            "vermillion": controls.TEXT_VERMILLION,
        },
        "widgets": _widget_specs(),
    }


def write_bundle(folder: Path) -> Path:
    """Write ``jia-live.js`` and ``jia-live.css`` into ``folder``; return the script's path."""
    folder.mkdir(parents=True, exist_ok=True)
    data = json.dumps(live_data(), ensure_ascii=False, separators=(",", ":"))
    parts = [
        "// jia-teach live calculators: generated by tools/live_calculators.py; do not edit.\n",
        (WEB / "rules.js").read_text(encoding="utf-8"),
        (WEB / "calculators.js").read_text(encoding="utf-8"),
        f"window.JiaLive.start(window.JiaRules({data}));\n",
    ]
    script = folder / BUNDLE_JS
    _write_if_changed(script, "".join(parts))
    _write_if_changed(folder / BUNDLE_CSS, (WEB / "live.css").read_text(encoding="utf-8"))
    return script


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------- notebooks
def mount_html(view: str, options: dict[str, Any], assets: str | None = None) -> str:
    """The HTML that replaces a calculator's saved widget view (filled by ``jia-live.js``).

    ``assets``: where the page finds ``jia-live.js`` and ``jia-live.css`` when the mount
    brings them itself (the slides); the book's pages get them from ``book/_ext/jia_live.py``.
    """
    opts = json.dumps(options, separators=(",", ":")).replace('"', "&quot;")
    head = ""
    if assets is not None:
        head = (
            f'<link rel="stylesheet" href="{assets}{BUNDLE_CSS}">'
            f'<script defer src="{assets}{BUNDLE_JS}"></script>'
        )
    return head + (
        f'<div class="jia-calc" data-jia-calc="{view}" data-jia-options="{opts}">'
        '<p class="jia-calc-loading">The live calculator needs JavaScript; '
        "without it, open this notebook in JupyterLab (make lab) to move it.</p></div>"
    )


def mark_live_cells(path: Path, assets: str | None = None) -> list[str]:
    """In the notebook copy at ``path``, make each calculator cell live; return the views.

    The cell's widget-view output becomes an HTML output holding :func:`mount_html` (its
    text/plain stays for readers without HTML), and the saved widget state keeps only the
    models a remaining view draws (:func:`prune_widget_state`): the page no longer carries the
    kernel calculator's snapshot. Nothing is written when no calculator cell is found.
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for stem, code, view, options in LIVE_CELLS:
        if path.stem != stem:
            continue
        for cell in nb.get("cells", []):
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else source
            if cell.get("cell_type") != "code" or code not in text:
                continue
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if WIDGET_VIEW in data:
                    del data[WIDGET_VIEW]
                    data["text/html"] = mount_html(view, options, assets)
                    found.append(view)
    if found:
        prune_widget_state(nb)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return found


_STATE = "application/vnd.jupyter.widget-state+json"
_MODEL_REF = re.compile(r"IPY_MODEL_([0-9a-f]+)")


def prune_widget_state(nb: dict[str, Any]) -> int:
    """Keep only the saved widget models that a remaining widget view draws; return how many
    were dropped (the live calculator's, and models no output shows at all)."""
    state = nb.get("metadata", {}).get("widgets", {}).get(_STATE, {}).get("state")
    if not state:
        return 0
    todo = [
        output["data"][WIDGET_VIEW]["model_id"]
        for cell in nb.get("cells", [])
        for output in cell.get("outputs", [])
        if WIDGET_VIEW in output.get("data", {})
    ]
    keep: set[str] = set()
    while todo:
        model = todo.pop()
        if model in keep or model not in state:
            continue
        keep.add(model)
        todo.extend(_MODEL_REF.findall(json.dumps(state[model])))
    dropped = [m for m in state if m not in keep]
    for model in dropped:
        del state[model]
    return len(dropped)


def prepare_book(tutorials: Path, static: Path) -> list[str]:
    """The book build's hook: live calculator cells in the notebook copies, and the bundle.

    Each changed copy gets the newer of its own mtime and this module's, so that an
    incremental Sphinx build re-reads it when either changes (and only then). Returns the
    names of the notebooks made live.
    """
    write_bundle(static)
    live = []
    own = Path(__file__).stat().st_mtime_ns
    for stem in sorted({stem for stem, *_ in LIVE_CELLS}):
        path = tutorials / f"{stem}.ipynb"
        if not path.exists():
            continue
        stat = path.stat()
        if mark_live_cells(path):
            mtime = max(stat.st_mtime_ns, own)
            os.utime(path, ns=(stat.st_atime_ns, mtime))
            live.append(stem)
    return live


def prepare_slides(deck: Path, vendor: Path) -> list[str]:
    """The slides export's hook: the paper copy ``deck``'s calculator made live.

    Writes the bundle into ``vendor / "live"``; the mount loads it from ``vendor/live/``
    (the slides' HTML sits next to ``vendor/``). Returns the views made live.
    """
    write_bundle(vendor / "live")
    return mark_live_cells(deck, assets="vendor/live/")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    bundle = sub.add_parser("bundle", help="write jia-live.js and jia-live.css into FOLDER")
    bundle.add_argument("folder", type=Path)
    data = sub.add_parser("data", help="write the generated constants alone, as JSON (node test)")
    data.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    if args.command == "data":
        args.file.parent.mkdir(parents=True, exist_ok=True)
        _write_if_changed(args.file, json.dumps(live_data(), ensure_ascii=False, indent=1) + "\n")
        print(f"live_calculators: wrote {args.file}")
        return 0
    path = write_bundle(args.folder)
    print(f"live_calculators: wrote {path} ({path.stat().st_size / 1024:.1f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
