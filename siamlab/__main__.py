"""Command line: ``python -m siamlab info``, ``reproduce NAME``, ``doctor NAME`` and ``students OUT_DIR``."""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import time

from siamlab import config

# name -> (module with run(variant) -> dict, variant): the asker's setup as written, or the fix
REPRODUCTIONS = {
    "tf-asker": ("siamlab.tf.reproduce", "asker"),
    "tf-fixed": ("siamlab.tf.reproduce", "fixed"),
    "torch-asker": ("siamlab.torch.reproduce", "asker"),
    "torch-fixed": ("siamlab.torch.reproduce", "fixed"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m siamlab", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("info", help="versions, devices, data sources and mode")
    reproduce = commands.add_parser("reproduce",
                                    help="run an asker's (broken) or the fixed setup; last line is JSON")
    reproduce.add_argument("name", choices=sorted(REPRODUCTIONS))
    doctor = commands.add_parser("doctor", help="diagnose an asker's or the fixed setup; exit 1 on an error")
    doctor.add_argument("name", choices=sorted(REPRODUCTIONS))
    doctor.add_argument("--json", action="store_true", help="print the report as JSON instead of text")
    students = commands.add_parser("students", help="write student copies of the notebooks (solutions "
                                   "replaced by stubs) into OUT_DIR")
    students.add_argument("out_dir", metavar="OUT_DIR", help="a folder outside notebooks/")
    students.add_argument("--source", default=None, help="the instructor notebooks [the course's notebooks/]")
    args = parser.parse_args(argv)
    if args.command == "students":
        return _students(args.out_dir, args.source)
    if args.command == "doctor":
        from siamlab.doctor.cli import run_doctor

        return run_doctor(args.name, args.json)
    if args.command == "info":
        from siamlab.info import report

        print(report())
        return 0
    module_name, variant = REPRODUCTIONS[args.name]
    from siamlab import seed_everything

    seed_everything(0)
    start = time.perf_counter()
    result = importlib.import_module(module_name).run(variant)
    result.update(name=args.name, variant=variant, framework=args.name.split("-")[0],
                  mode=config.mode_name(), seconds=round(time.perf_counter() - start, 1))
    print(json.dumps(result, sort_keys=True))
    return 0


def _students(out_dir: str, source: str | None) -> int:
    """The ``students`` command: write the copies, or a one-line error (exit 2) for a bad OUT_DIR."""
    from siamlab.students import NOTEBOOKS, write_students

    try:
        written = write_students(out_dir, NOTEBOOKS if source is None else source)
    except (ValueError, FileNotFoundError, NotADirectoryError) as error:
        print(f"python -m siamlab students: {error}", file=sys.stderr)
        return 2
    print(f"{len(written)} student notebooks written to {written[0].parent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
