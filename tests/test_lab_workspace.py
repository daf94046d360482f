"""``make lab``'s preparation, without a browser: copies that open unchanged, the lab extension
built from the sources as they are, the suite's own JupyterLab folders (issue 19)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tools import lab_workspace

ROOT = Path(__file__).resolve().parents[1]


def test_the_prebuilt_lab_extension_matches_its_sources() -> None:
    stamp = lab_workspace.EXTENSION_STAMP.read_text(encoding="utf-8").strip()
    assert stamp == lab_workspace.extension_sources_digest(), (
        "tools/lab or tools/web/widget_a11y.js changed: run `make lab-extension` and commit"
    )
    built = lab_workspace.LAB_EXTENSIONS / "jia-teach-lab-a11y" / "package.json"
    meta = json.loads(built.read_text(encoding="utf-8"))
    assert meta["jupyterlab"]["_build"]["load"].startswith("static/remoteEntry.")


def test_lab_command_uses_the_extension_and_the_folders_it_is_given(tmp_path: Path) -> None:
    cmd = lab_workspace.lab_command(
        tmp_path,
        port=9999,
        open_browser=False,
        settings_dir=tmp_path / "s",
        workspaces_dir=tmp_path / "w",
    )
    assert f"--LabApp.extra_labextensions_path={lab_workspace.LAB_EXTENSIONS}" in cmd
    assert f"--LabApp.user_settings_dir={tmp_path / 's'}" in cmd
    assert f"--LabApp.workspaces_dir={tmp_path / 'w'}" in cmd
    assert "--ServerApp.ip=127.0.0.1" in cmd
    plain = lab_workspace.lab_command(tmp_path)
    assert not any("user_settings_dir" in a or "workspaces_dir" in a for a in plain)


def test_no_cell_toolbar_in_the_overrides(tmp_path: Path) -> None:
    path = lab_workspace.write_lab_overrides(tmp_path)
    overrides = json.loads(path.read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/cell-toolbar-extension:plugin"] == {"showToolbar": False}


def test_a_copy_carries_this_kernel_and_python_and_nothing_else_changes(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    original = ROOT / "notebooks" / "01_core_set_and_acr_pedi.ipynb"
    (source / original.name).write_bytes(original.read_bytes())
    outcome = lab_workspace.sync(source, tmp_path / "ws")
    assert outcome["copied"] == [original.name]
    copy = json.loads((tmp_path / "ws" / original.name).read_text(encoding="utf-8"))
    before = json.loads(original.read_text(encoding="utf-8"))
    assert copy["metadata"]["kernelspec"]["display_name"] == lab_workspace._kernel_display_name()
    version = "{}.{}.{}".format(*sys.version_info[:3])
    assert copy["metadata"]["language_info"]["version"] == version
    assert copy["cells"] == before["cells"]
    # A second sync sees the copy as current: the learner's manifest matches the copy made.
    assert lab_workspace.sync(source, tmp_path / "ws")["current"] == [original.name]
