"""Command line: ``python -m siamlab info`` and ``python -m siamlab reproduce NAME``."""
from __future__ import annotations

import argparse
import importlib
import json
import sys

# name -> (module with run(variant) -> dict, variant)
REPRODUCTIONS = {
    "tf-seed": ("siamlab.tf.reproduce", "seed"),
    "tf-fixed": ("siamlab.tf.reproduce", "fixed"),
    "torch-seed": ("siamlab.torch.reproduce", "seed"),
    "torch-fixed": ("siamlab.torch.reproduce", "fixed"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m siamlab", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("info", help="versions, devices, data sources and mode")
    reproduce = commands.add_parser("reproduce", help="run a seed (broken) or fixed setup; last line is JSON")
    reproduce.add_argument("name", choices=sorted(REPRODUCTIONS))
    args = parser.parse_args(argv)
    if args.command == "info":
        from siamlab.info import report

        print(report())
        return 0
    module_name, variant = REPRODUCTIONS[args.name]
    result = importlib.import_module(module_name).run(variant)
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
