"""``python -m siamlab doctor NAME``: diagnose one of the four reproduce setups and print the report."""
from __future__ import annotations

import time


def run_doctor(name: str, as_json: bool = False) -> int:
    """Print the report for ``name`` (see ``siamlab.doctor.tracks``); 1 when it holds an error, else 0."""
    from siamlab import seed_everything
    from siamlab.doctor import diagnose, tracks

    seed_everything(0)
    setup = tracks.setup(name)
    start = time.perf_counter()
    report = diagnose(**setup)
    seconds = time.perf_counter() - start
    if as_json:
        print(report.to_json())
    else:
        print(f"{name}: diagnose took {seconds:.1f} s")
        print(report.to_text())
    return 1 if report.by_severity("error") else 0
