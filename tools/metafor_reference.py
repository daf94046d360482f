"""Store R metafor's answers for the pooling tests: ``tests/data/metafor_pool_reference.json``.

    bash tools/ensure-r.sh && .venv/bin/python -m tools.metafor_reference

Runs ``tools/metafor_pool.R`` once on the hand-written cases of ``tests/pool_cases.py`` plus
:data:`STORED_SEED`'s generated cases, with the root finders' stopping rules tightened (the
estimators are metafor's defaults; see ``book/decisions.md``, 2026-12-04). The stored file lets
the comparison run where R is absent; ``make test`` installs R and also runs the live check
(``tests/test_pool_metafor.py``) on freshly generated cases.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "metafor_pool.R"
OUT = ROOT / "tests" / "data" / "metafor_pool_reference.json"
#: Seed of the generated cases stored with the hand-written ones.
STORED_SEED = 20261204
#: How many generated cases are stored.
STORED_GENERATED = 40


def run_metafor(cases: list[dict], *, tight: bool = True, timeout: float = 300) -> dict:
    """One Rscript process for all ``cases``; metafor's answers as a dict (JSON in, JSON out).

    Raises
    ------
    RuntimeError
        When Rscript is missing or fails (its stderr is in the message).
    """
    rscript = shutil.which("Rscript")
    if rscript is None:
        raise RuntimeError("Rscript is not installed (bash tools/ensure-r.sh installs it)")
    with tempfile.TemporaryDirectory(prefix="jia-metafor-") as tmp:
        src, dst = Path(tmp) / "cases.json", Path(tmp) / "out.json"
        src.write_text(json.dumps(cases), encoding="utf-8")
        args = [rscript, "--vanilla", str(SCRIPT), str(src), str(dst)]
        args += ["tight"] if tight else []
        proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
        if proc.returncode != 0 or not dst.exists():
            raise RuntimeError(f"Rscript failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
        return json.loads(dst.read_text(encoding="utf-8"))


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from tests.pool_cases import CASES, as_json, generated_cases

    cases = as_json(CASES + generated_cases(STORED_SEED, STORED_GENERATED))
    out = run_metafor(cases)
    out["cases"] = cases
    out["meta"]["generated_seed"] = STORED_SEED
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".metafor-", suffix=".json", dir=OUT.parent)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(out, indent=0, sort_keys=True) + "\n")
        os.replace(tmp, OUT)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(
        f"{OUT.relative_to(ROOT)}: {len(out['results'])} results for {len(cases)} cases "
        f"(metafor {out['meta']['metafor']})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
