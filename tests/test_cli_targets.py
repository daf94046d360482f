"""``jia-teach targets``: the EULAR/PReS 2024 checkpoints for a registry export."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jia_teach.scoring.targets import treat_to_target
from jia_teach.simulation.targets import simulated_target_registry
from tests.clitools import listing, one_line, run


def test_csv_in_csv_out_equals_the_library(tmp_path: Path) -> None:
    visits = simulated_target_registry(patients=30, seed=5)
    src = tmp_path / "visits.csv"
    visits.to_csv(src, index=False)
    r = run("targets", src, "--crp-normal-max", "10", "-o", tmp_path / "t.csv")
    assert r.returncode == 0, r.stderr
    assert "judged 30 patients at 4 checkpoints" in r.stderr
    got = pd.read_csv(tmp_path / "t.csv")
    want = treat_to_target(pd.read_csv(src), crp_normal_max=10)
    assert got["status"].tolist() == want["status"].astype(str).tolist()
    assert got["reason"].tolist() == want["reason"].tolist()
    assert listing(tmp_path) == ["t.csv", "visits.csv"]


def test_errors_name_the_file_line_and_column(tmp_path: Path) -> None:
    src = tmp_path / "visits.csv"
    src.write_text(
        "id,day,fever,crp,active_joints,gc_mg_kg_day\nA,0,yes,100,4,1\nA,7,maybe,40,3,1\n",
        encoding="utf-8",
    )
    r = run("targets", src, "--crp-normal-max", "10", "-o", tmp_path / "t.csv")
    assert r.returncode == 2
    line = one_line(r)
    assert "visits.csv line 3" in line and "column 'fever'" in line
    assert "'maybe' is not a yes/no answer" in line
    assert listing(tmp_path) == ["visits.csv"]
    r = run("targets", src, "-o", tmp_path / "t.csv")
    assert r.returncode == 2 and "--crp-normal-max" in one_line(r)
    r = run("targets", src, "--crp-normal-max", "0", "-o", tmp_path / "t.csv")
    assert r.returncode == 2 and "is not an upper limit" in one_line(r)


def test_standard_output_and_no_overwrite(tmp_path: Path) -> None:
    src = tmp_path / "visits.csv"
    src.write_text(
        "id,day,fever,crp,active_joints,gc_mg_kg_day\nA,0,yes,100,4,1\nA,7,no,40,3,1\n",
        encoding="utf-8",
    )
    r = run("targets", src, "--crp-normal-max", "10", "-o", "-")
    assert r.returncode == 0
    assert "A,day 7," in r.stdout and ",met,met: no fever met; CRP down by > 50 % met" in r.stdout
    out = tmp_path / "t.csv"
    out.write_text("keep\n")
    r = run("targets", src, "--crp-normal-max", "10", "-o", out)
    assert r.returncode == 2 and "use --force" in one_line(r)
    assert out.read_text() == "keep\n"
