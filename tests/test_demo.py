"""The demo is README's first command: it must keep running on a machine with nothing but
Python (SQLite, no Saleor, no PostgreSQL)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_demo_runs_end_to_end_on_sqlite(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment["WFX_PRIVATE_MEDIA_ROOT"] = str(tmp_path / "private")
    result = subprocess.run(
        [sys.executable, "-m", "saleor_wfx_plugin.sandbox.demo", "--db", str(tmp_path / "d.db")],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = result.stdout
    # A, the fourth generation, earns nothing on D's sale; the lost hook is repaired.
    assert "D's link, paid: D 10%/20%, C 5%, B 2%, A nothing" in report
    assert "Sweep: 8 orders checked, 1 repaired" in report
    # The refund after payout leaves a clawback that the next sale offsets.
    assert "DDD444       0.00     0.00     -62.77" in report
    assert "DDD444       0.00     0.00      56.83" in report
