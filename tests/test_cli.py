"""The command line: output, one-line errors with the true file line, no silent bad tables.

Every test runs the real console script (``.venv/bin/jia-teach``) in a temporary folder.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from jia_teach import score
from jia_teach.cli import main

from .clitools import EXE, HEADER, ROWS, big_csv, one_line, run


@pytest.fixture
def visits(tmp_path: Path) -> Path:
    p = tmp_path / "visits.csv"
    p.write_text("\n".join([HEADER, *ROWS]) + "\n")
    return p


def test_scores_to_file(visits, tmp_path):
    out = tmp_path / "scored.csv"
    assert main(["score", str(visits), "-o", str(out)]) == 0
    scored = pd.read_csv(out)
    assert scored["patient"].tolist() == ["A", "B"]
    assert scored["acr50"].tolist() == [True, False]
    assert scored["flare"].tolist() == [False, True]
    assert scored["adapted_acr30"].tolist() == [True, False]


def test_scores_to_stdout(visits):
    r = run("score", visits, "-o", "-")
    assert r.returncode == 0
    assert r.stdout.splitlines()[0].endswith("adapted_acr100")
    assert r.stdout.splitlines()[1].startswith("A,6,2,")


def test_console_script_is_installed():
    assert EXE.exists()


def test_refuses_to_overwrite_input(visits):
    before = visits.read_bytes()
    r = run("score", visits, "-o", visits)
    assert r.returncode == 2
    assert "refusing to overwrite the input file" in one_line(r)
    assert visits.read_bytes() == before


def test_refuses_to_overwrite_existing_output_without_force(visits, tmp_path):
    out = tmp_path / "scored.csv"
    out.write_text("keep me")
    r = run("score", visits, "-o", out)
    assert r.returncode == 2 and "--force" in r.stderr
    assert out.read_text() == "keep me"
    assert run("score", visits, "-o", out, "--force").returncode == 0
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
        ("B,5,5.5,4,4,1,1.2,6,9,4,6,30,45,yes,x", "bad.csv line 3: 15 fields where the header"),
    ],
)
def test_bad_rows_give_one_line(tmp_path, row, message):
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([HEADER, ROWS[0], row]) + "\n")
    r = run("score", bad, "-o", "-")
    assert r.returncode == 2
    assert r.stdout == ""
    assert message in one_line(r)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\n\n  \n", "no header, only blank lines"),
        (b"\xff\xfe\x00bad", "line 1: not UTF-8 text"),
        (HEADER.encode() + b"\n" + ROWS[0].encode() + b"\ncaf\xe9\n", "line 3: not UTF-8"),
        (HEADER.replace("chaq_followup", "chaq_follow").encode() + b"\n", "chaq_followup"),
    ],
)
def test_bad_files(tmp_path, content, message):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    r = run("score", bad, "-o", "-")
    assert r.returncode == 2 and message in one_line(r)


def test_missing_file(tmp_path):
    r = run("score", tmp_path / "nope.csv", "-o", "-")
    assert r.returncode == 2 and "nope.csv: no such file" in one_line(r)


def test_input_folder_and_impossible_paths_are_one_line(tmp_path, visits):
    r = run("score", tmp_path, "-o", "-")
    assert r.returncode == 2 and "is a folder" in one_line(r)
    r = run("score", visits / "inside.csv", "-o", "-")  # a file used as a folder: ENOTDIR
    assert r.returncode == 2 and "Not a directory" in one_line(r)


def test_mm_option(tmp_path):
    p = tmp_path / "mm.csv"
    row = "A,60,20,50,30,1.5,1,12,3,10,9,60,20,no"
    p.write_text(f"{HEADER}\n{row}\n")
    r = run("score", p, "-o", "-")
    assert r.returncode == 2 and "--vas-unit mm" in one_line(r)
    r = run("score", p, "-o", "-", "--vas-unit", "mm")
    assert r.returncode == 0 and ",True,True,False," in r.stdout


# --- no silent scoring of a bad table ------------------------------------------------------


def test_duplicate_column_names_both_positions(tmp_path):
    """Two chaq_followup columns: pandas would rename the second to .1 and score the first."""
    p = tmp_path / "dup.csv"
    p.write_text(f"{HEADER},chaq_followup\n{ROWS[0]},3\n")
    r = run("score", p, "-o", "-")
    assert r.returncode == 2
    assert (
        "line 1 (the header), column 'chaq_followup': the name appears twice, in columns 7 and 15"
        in one_line(r)
    )


@pytest.mark.parametrize(
    "name", ["fever_follow_up", "Fever_followup", "fever followup", "fever", "fever_fu"]
)
def test_near_misses_of_fever_followup(tmp_path, name):
    p = tmp_path / "v.csv"
    p.write_text(HEADER.replace("fever_followup", name) + "\n" + ROWS[0] + "\n")
    r = run("score", p, "-o", "-")
    assert r.returncode == 2
    assert "did you mean 'fever_followup'" in one_line(r)


def test_fever_baseline_alone_is_refused_and_beside_followup_passes(tmp_path):
    p = tmp_path / "v.csv"
    p.write_text(HEADER.replace("fever_followup", "fever_baseline") + "\n" + ROWS[0] + "\n")
    r = run("score", p, "-o", "-")
    assert r.returncode == 2
    assert "column 'fever_baseline': fever at baseline is not used" in one_line(r)
    p.write_text(HEADER + ",fever_baseline\n" + ROWS[0] + ",yes\n")
    r = run("score", p, "-o", "-")
    assert r.returncode == 0 and r.stdout.splitlines()[1].split(",")[14] == "yes"


@pytest.mark.parametrize(("sep", "flag"), [(";", "';'"), ("\t", "tab")])
def test_semicolon_or_tab_header_says_how_to_fix(tmp_path, sep, flag):
    p = tmp_path / "euro.csv"
    p.write_text(HEADER.replace(",", sep) + "\n" + ROWS[0].replace(",", sep) + "\n")
    r = run("score", p, "-o", "-")
    assert r.returncode == 2
    line = one_line(r)
    assert f"--delimiter {flag}" in line and "re-save the file as CSV" in line
    r = run("score", p, "-o", "-", "--delimiter", sep if sep == ";" else "tab")
    assert r.returncode == 0 and "True" in r.stdout


def test_blank_cell_means_missing_is_said(tmp_path):
    p = tmp_path / "na.csv"
    p.write_text(f"{HEADER}\n{ROWS[0].replace(',20,no', ',NA,no')}\n")
    r = run("score", p, "-o", "-")
    assert r.returncode == 2
    line = one_line(r)
    assert "'NA' is not a number; a blank cell means missing" in line
    assert "numbers 0 to 200 mm/h, or a blank cell for a missing value" in line


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "0", "-5", "100.5", "thirty", ""])
def test_worsening_limit_must_be_finite_in_0_100(visits, value):
    r = run("score", visits, "-o", "-", f"--worsening-limit={value}")
    assert r.returncode == 2
    assert "is not a worsening limit (allowed: a finite percentage more than 0 and at most 100" in (
        one_line(r)
    )


@pytest.mark.parametrize("value", ["0.5", "30", "100"])
def test_worsening_limit_the_library_takes_is_accepted(visits, value):
    r = run("score", visits, "-o", "-", "--worsening-limit", value)
    assert r.returncode == 0
    scored = pd.read_csv(io.StringIO(r.stdout))["acr30"].astype("boolean")
    expected = score(pd.read_csv(visits), worsening_limit=float(value))["acr30"]
    pd.testing.assert_series_equal(scored, expected.astype("boolean"), check_names=False)


# --- the true physical line ----------------------------------------------------------------


def test_blank_lines_and_quoted_line_breaks_count(tmp_path):
    """Line 7 is the bad cell's line: a blank line, and a quoted two-line id, come before it."""
    text = (
        f"{HEADER}\n"  # 1
        f"{ROWS[0]}\n"  # 2
        "\n"  # 3 blank
        '"C\nsecond line",6,2,5,3,1.5,1,12,3,10,9,60,20,no\n'  # 4-5
        "\n"  # 6 blank
        "D,6,2,5,3,1.5,1,12,3,10,9,60,999,no\n"  # 7
    )
    p = tmp_path / "lines.csv"
    p.write_text(text)
    r = run("score", p, "-o", "-")
    assert r.returncode == 2
    assert "lines.csv line 7 (data row 3), column 'esr_followup': 999 is out of range" in one_line(
        r
    )


def test_a_cell_after_a_quoted_line_break_is_on_the_next_line(tmp_path):
    p = tmp_path / "cell.csv"
    p.write_text(
        f'{HEADER},note\n{ROWS[0]},"a\nb"\n' + ROWS[1].replace(",6,9,", ",6,9.5,") + ",x\n"
    )
    r = run("score", p, "-o", "-")
    assert r.returncode == 2 and "cell.csv line 4 (data row 2)" in one_line(r)
    p.write_text(f'{HEADER},note\n"A\nB",6,2,5,3,1.5,1,12,3,10,9,60,-1,no,x\n')
    r = run("score", p, "-o", "-")
    assert "cell.csv line 3 (data row 1), column 'esr_followup'" in one_line(r)


def test_crlf_file(tmp_path):
    p = tmp_path / "dos.csv"
    p.write_bytes(
        ("\r\n".join([HEADER, *ROWS, "B,5,5.5,4,4,1,1.2,6,9,4,6,30,x,yes"]) + "\r\n").encode()
    )
    r = run("score", p, "-o", "-")
    assert "dos.csv line 4 (data row 3), column 'esr_followup': 'x' is not a number" in one_line(r)
    p.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode())
    r = run("score", p, "-o", "-")
    assert r.returncode == 0 and r.stdout.splitlines()[1].endswith(
        ",no,True,True,False,False,False,66.67,False,True,True,False,False,False"
    )


def test_a_row_deep_in_a_large_file_is_named_with_its_line(tmp_path):
    """Streaming: an error in a later block names the same line as in the first one."""
    p = big_csv(tmp_path / "big.csv", 250_000)  # more than one 8 MB block
    with p.open("a") as f:
        f.write("\n\nZ,6,2,5,3,1.5,1,12,3,10,9,60,20,maybe\n")
    r = run("score", p, "-o", tmp_path / "out.csv")
    assert r.returncode == 2
    assert "big.csv line 250004 (data row 250001), column 'fever_followup'" in one_line(r)
    assert not (tmp_path / "out.csv").exists()


def test_overlong_field_and_unclosed_quote(tmp_path):
    """A field over 131,072 characters is data, not a traceback; an unclosed quote is named."""
    p = tmp_path / "long.csv"
    p.write_text(f"{HEADER},note\n{ROWS[0]},{'x' * 200_000}\n")
    r = run("score", p, "-o", tmp_path / "out.csv")
    assert r.returncode == 0, r.stderr
    p.write_text(f'{HEADER}\n{ROWS[0]}\n"B,5,5.5,4,4,1,1.2,6,9,4,6,30,45,yes\n' + ROWS[0] + "\n")
    r = run("score", p, "-o", "-")
    assert r.returncode == 2
    assert "long.csv line 3: a quote" in one_line(r) and "never closed" in r.stderr


def test_progress_bar_only_when_asked_or_on_a_terminal(tmp_path):
    p = big_csv(tmp_path / "big.csv", 200_000)  # about 11 MB
    quiet = run("score", p, "-o", tmp_path / "a.csv")
    assert quiet.returncode == 0 and quiet.stderr.strip().splitlines() == [
        f"scored 200000 rows -> {tmp_path / 'a.csv'}"
    ]
    loud = run("score", p, "-o", tmp_path / "b.csv", "--progress")
    assert loud.returncode == 0 and "scoring big.csv" in loud.stderr
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_explain_option(visits):
    r = run("score", visits, "-o", "-", "--explain")
    assert r.returncode == 0
    out = pd.read_csv(__import__("io").StringIO(r.stdout))
    assert out["highest_met"].tolist() == ["ACR50", "none"]
    assert out["acr50_why"][0] == "met: 3 improved >= 50%, 0 worsened > 30%"


def test_crp_file_with_brunner_flare(tmp_path):
    p = tmp_path / "crp.csv"
    p.write_text(HEADER.replace("esr", "crp") + "\n" + ROWS[0] + "\n")
    r = run("score", p, "-o", "-", "--flare", "brunner2002")
    assert r.returncode == 0 and "True" in r.stdout


def test_output_column_already_in_the_file(tmp_path):
    p = tmp_path / "v.csv"
    p.write_text(HEADER + ",acr30\n" + ROWS[0] + ",1\n")
    r = run("score", p, "-o", "-")
    assert r.returncode == 2 and "column 'acr30': the file already has this column" in one_line(r)


def test_a_repeated_name_in_a_visit_table_is_one_line(tmp_path):
    # found by the fuzz test: pandas refused the repeated name before our check ran (exit 70)
    path = tmp_path / "visits.csv"
    path.write_text("patient,x,x\nA,2020-01-01,1\n")
    result = run("score", path, "--long", "--patient", "patient", "--time", "x", "-o", "-")
    assert result.returncode == 2
    assert one_line(result) == (
        f"jia-teach: error: {path} line 1 (the header), column 'x': the name appears twice, "
        "in columns 2 and 3 (allowed: each name once)"
    )
