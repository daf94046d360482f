"""The command line: output, refusal to overwrite, and one-line errors with status 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from jia_teach.cli import main

HEADER = (
    "patient,physician_global_baseline,physician_global_followup,parent_global_baseline,"
    "parent_global_followup,chaq_baseline,chaq_followup,active_joints_baseline,"
    "active_joints_followup,lom_joints_baseline,lom_joints_followup,esr_baseline,esr_followup,"
    "fever_followup"
)
ROWS = ["A,6,2,5,3,1.5,1,12,3,10,9,60,20,no", "B,5,5.5,4,4,1,1.2,6,9,4,6,30,45,yes"]


@pytest.fixture
def visits(tmp_path: Path) -> Path:
    p = tmp_path / "visits.csv"
    p.write_text("\n".join([HEADER, *ROWS]) + "\n")
    return p


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jia_teach.cli", *args], capture_output=True, text=True, check=False
    )


def test_scores_to_file(visits, tmp_path):
    out = tmp_path / "scored.csv"
    assert main(["score", str(visits), "-o", str(out)]) == 0
    scored = pd.read_csv(out)
    assert scored["patient"].tolist() == ["A", "B"]
    assert scored["acr50"].tolist() == [True, False]
    assert scored["flare"].tolist() == [False, True]
    assert scored["adapted_acr30"].tolist() == [True, False]


def test_scores_to_stdout(visits):
    r = run("score", str(visits), "-o", "-")
    assert r.returncode == 0
    assert r.stdout.splitlines()[0].endswith("adapted_acr100")
    assert r.stdout.splitlines()[1].startswith("A,6,2,")


def test_console_script_is_installed(visits):
    exe = Path(sys.executable).with_name("jia-teach")
    r = subprocess.run(
        [exe, "score", str(visits), "-o", "-"], capture_output=True, text=True, check=False
    )
    assert r.returncode == 0 and "acr30" in r.stdout


def test_refuses_to_overwrite_input(visits):
    before = visits.read_bytes()
    r = run("score", str(visits), "-o", str(visits))
    assert r.returncode == 2
    assert "refusing to overwrite the input file" in r.stderr
    assert visits.read_bytes() == before


def test_refuses_to_overwrite_existing_output_without_force(visits, tmp_path):
    out = tmp_path / "scored.csv"
    out.write_text("keep me")
    r = run("score", str(visits), "-o", str(out))
    assert r.returncode == 2 and "--force" in r.stderr
    assert out.read_text() == "keep me"
    assert run("score", str(visits), "-o", str(out), "--force").returncode == 0
    assert "acr30" in out.read_text()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "B,55,5.5,4,4,1,1.2,6,9,4,6,30,45,yes",
            "line 3 (data row 2), column 'physician_global_baseline': 55 is out of range; "
            "a VAS over 10 looks like millimetres: say so with vas_unit='mm' (command line: "
            "--vas-unit mm) (allowed: 0 to 10 cm)",
        ),
        ("B,5,5.5,4,4,1,1.2,-6,9,4,6,30,45,yes", "column 'active_joints_baseline': -6 is out of"),
        ("B,5,5.5,4,4,1,1.2,6,9.5,4,6,30,45,yes", "9.5 is not a whole number of joints"),
        ("B,5,5.5,4,4,1,1.2,6,9,4,6,30,high,yes", "column 'esr_followup': 'high' is not a number"),
        ("B,5,5.5,4,4,1,1.2,6,9,4,6,30,45,perhaps", "'perhaps' is not a fever flag"),
        ("B,5,5.5,4,4,1,1.2,6,9,4,6,30", "bad.csv line 3: 12 fields where the header has 14"),
    ],
)
def test_bad_rows_give_one_line(visits, tmp_path, row, message):
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([HEADER, ROWS[0], row]) + "\n")
    r = run("score", str(bad), "-o", "-")
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert message in lines[0]
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
        (HEADER.replace("chaq_followup", "chaq_follow").encode() + b"\n", "chaq_followup"),
    ],
)
def test_bad_files(tmp_path, content, message):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    r = run("score", str(bad), "-o", "-")
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr


def test_missing_file(tmp_path):
    r = run("score", str(tmp_path / "nope.csv"), "-o", "-")
    assert r.returncode == 2 and "no such file" in r.stderr


def test_mm_option(tmp_path):
    p = tmp_path / "mm.csv"
    row = "A,60,20,50,30,1.5,1,12,3,10,9,60,20,no"
    p.write_text(f"{HEADER}\n{row}\n")
    assert run("score", str(p), "-o", "-").returncode == 2
    r = run("score", str(p), "-o", "-", "--vas-unit", "mm")
    assert r.returncode == 0 and ",True,True,False," in r.stdout
