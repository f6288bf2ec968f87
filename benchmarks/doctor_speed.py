"""Seconds per probe of one ``siamlab.doctor.diagnose`` call on each of the four reproduce setups, and
the measurements behind the thresholds in ``siamlab/doctor/checks.py`` (no asserts).

    SIAMLAB_DATA_DIR=../shared/data .venv/bin/python benchmarks/doctor_speed.py            # the four tracks
    SIAMLAB_DATA_DIR=../shared/data .venv/bin/python benchmarks/doctor_speed.py --zoo      # + tests' zoo
    .venv/bin/python benchmarks/doctor_speed.py --real     # + the cases rebuilt from public reports

Prints the slowest call at the end: issue 18 asks for under 20 s per call on this CPU.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import siamlab
from siamlab.doctor import diagnose, tracks

WALLS: list[tuple[float, str]] = []
KEYS = ("identical_share", "output_relative_std", "collapse_ratio", "label_effect", "pair_mixing",
        "relative_update", "dead_share", "loss_at_start", "overfit_end", "baseline")


def _row(name: str, kwargs: dict) -> None:
    start = time.perf_counter()
    report = diagnose(**kwargs)
    wall = time.perf_counter() - start
    WALLS.append((wall, name))
    m = report.measurements
    probes = "  ".join(f"{k} {v:.2f}" for k, v in report.seconds.items() if k != "total")
    numbers = "  ".join(f"{k}={m[k]:.3g}" for k in KEYS if isinstance(m.get(k), (int, float)))
    fitted = m.get("overfit_end") is not None and m["baseline"] > 0
    ratio = m["overfit_end"] / m["baseline"] if fitted else None
    print(f"{name:36s} {wall:5.1f} s  [{probes}]")
    print(f"{'':36s} {numbers}  overfit/baseline={ratio if ratio is None else round(ratio, 3)}")
    print(f"{'':36s} -> {', '.join(f'{f.code}({f.severity[0]})' for f in report.findings) or 'no findings'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zoo", action="store_true", help="also the tests' healthy and planted setups")
    parser.add_argument("--real", action="store_true", help="also the setups rebuilt from public reports")
    args = parser.parse_args()
    siamlab.seed_everything(0)
    for name in tracks.TRACKS:
        _row(name, tracks.setup(name))
    if args.zoo:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        import doctor_zoo

        for framework, setups in (("torch", doctor_zoo.torch_setups()), ("tf", doctor_zoo.tf_setups())):
            for name, make in setups.items():
                _row(f"{framework} {name}", make())
    if args.real:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        import doctor_zoo

        for framework in ("torch", "tf"):
            for name, make in doctor_zoo.real_setups(framework).items():
                _row(f"{framework} {name}", make())
    slowest = max(WALLS)
    print(f"\n{len(WALLS)} calls, slowest {slowest[0]:.1f} s ({slowest[1]}), mean "
          f"{sum(w for w, _ in WALLS) / len(WALLS):.1f} s")


if __name__ == "__main__":
    main()
