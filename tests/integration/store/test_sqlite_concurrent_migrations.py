"""Several processes creating the same fresh SQLite store at once (Dagster's multiprocess steps)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = (
    "import sys; from resources.store.store import Store; "
    "s = Store(sys.argv[1]).migrate(); print(s.inventory.products().height)"
)


def test_concurrent_first_migrations_on_sqlite_all_succeed(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'fresh' / 'store.sqlite'}"
    repo_root = Path(__file__).resolve().parents[3]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, url],
            cwd=repo_root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    results = [(*p.communicate(timeout=120), p.returncode) for p in procs]
    assert [rc for _, _, rc in results] == [0] * 8, [err[-500:] for _, err, _ in results]
    assert all(out.strip() == "0" for out, _, _ in results)
