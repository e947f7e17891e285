"""The command line of ``run_all.py``: its flags, and the seed list parser (light: ``--help`` is instant)."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path
from typing import NoReturn

from benchmarks.specs import did_you_mean

#: flags that point the official benchmarks and the trained space at the user's files
PATH_FLAGS = {
    "--nb201-path": "NB201_PATH",
    "--nats-path": "NATS_PATH",
    "--nb101-path": "NB101_PATH",
    "--cifar10-path": "CIFAR10_PATH",
    "--trained-cache": "TRAINED_CACHE",
}


MAX_SEEDS = 100_000


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not the usage block
        raise UsageError(message + self._flag_hint(message))

    def _flag_hint(self, message: str) -> str:
        """``; did you mean '--budget'?`` for a mistyped flag among unrecognized arguments."""
        if not message.startswith("unrecognized arguments:"):
            return ""
        flags = [o for a in self._actions for o in a.option_strings if o.startswith("--")]
        tokens = [t.split("=")[0] for t in message.split(":", 1)[1].split() if t.startswith("--")]
        return "".join(f"; {hint}" for hint in (did_you_mean(t, flags) for t in tokens) if hint)


def parse_seeds(text: list[str]) -> list[int]:
    """``20`` -> 0..19, ``0-99`` -> 0..99, ``1,5,9`` or several tokens -> those seeds."""
    seeds: list[int] = []
    for token in ",".join(text).split(","):
        token = token.strip()
        if re.fullmatch(r"\d+", token) and len(text) == 1 and "," not in text[0]:
            if int(token) > MAX_SEEDS:
                raise UsageError(f"{token} seeds is more than the {MAX_SEEDS:,} this harness accepts in one command")
            seeds += range(int(token))
        elif re.fullmatch(r"\d+", token):
            seeds.append(int(token))
        elif m := re.fullmatch(r"(\d+)-(\d+)", token):
            lo, hi = int(m[1]), int(m[2])
            if hi < lo:
                raise UsageError(f"bad seed range {token!r}: the end is before the start")
            if hi - lo >= MAX_SEEDS:
                raise UsageError(f"seed range {token!r} is longer than {MAX_SEEDS:,} seeds")
            seeds += range(lo, hi + 1)
        else:
            raise UsageError(f"bad seeds {token!r}: use a count (20), a range (0-99) or a list (1,5,9)")
    if not seeds:
        raise UsageError(
            f"no seeds in --seeds {' '.join(text)}: give a count of at least 1 (20 = seeds 0-19), a range (0-99) or a list (0,5,9)"
        )
    if len(seeds) > MAX_SEEDS:
        raise UsageError(f"{len(seeds):,} seeds is more than the {MAX_SEEDS:,} this harness accepts in one command")
    return list(dict.fromkeys(seeds))


def build_parser(description: str = "") -> Parser:
    p = Parser(prog="run_all.py", description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--preset", default=None, help="a named experiment (see --list); default: 'default'")
    p.add_argument("--benchmarks", nargs="+", metavar="SPEC", help="benchmark specs, e.g. nb201/cifar10-valid")
    p.add_argument("--algorithms", nargs="+", metavar="SPEC", help="algorithm specs, e.g. lanas:height=8,cp=0.5")
    p.add_argument("--seeds", nargs="+", metavar="SEEDS", help="20 (= 0-19), 0-99, or 1,5,9")
    p.add_argument("--budget", type=int, help="distinct samples per run")
    p.add_argument("--out", type=Path, help="experiment folder (default: results/<preset>)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: all cores)")
    p.add_argument("--executor", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address tcp://HOST:PORT (with --executor dask)")
    p.add_argument(
        "--parallel",
        type=int,
        default=1,
        metavar="K",
        help="evaluate K proposals of a run at once (with --executor dask: as separate tasks, "
        "one GPU each on the trained space); the history depends on K",
    )
    p.add_argument(
        "--sim-workers",
        type=int,
        nargs="+",
        metavar="K",
        help="also run each search with K simulated workers on the table's training times "
        "(e.g. 1 4 16; stored under OUT/sim/workers-K; see docs/scale-out.md)",
    )
    p.add_argument(
        "--time-budget", metavar="DURATION", help="simulated time budget with --sim-workers, e.g. 24h, 90m, 2d"
    )
    p.add_argument(
        "--figure-format",
        nargs="+",
        choices=("png", "pdf", "svg"),
        metavar="FMT",
        help="png, pdf and/or svg for every figure of the report, fonts embedded (default png)",
    )
    p.add_argument("--no-analysis", action="store_true", help="skip figures and report")
    p.add_argument(
        "--redo-changed",
        action="store_true",
        help="run again the runs of the folder made by other code (the algorithm's source or the "
        "data package changed since; without it such a folder is refused)",
    )
    p.add_argument(
        "--plugin",
        action="append",
        default=[],
        metavar="MODULE|FILE.py",
        help="import the user's module (mypkg.searchers) or file (path/to/my_search.py) first: its "
        "algorithms and benchmarks join the registries (repeatable; see docs/python.md)",
    )
    p.add_argument("--list", action="store_true", help="list benchmarks, algorithms and presets, then exit")
    p.add_argument("-v", "--verbose", action="store_true", help="log more, and print failed runs' tracebacks")
    for flag, var in PATH_FLAGS.items():
        p.add_argument(flag, type=Path, metavar="PATH", help=f"(or ${var})")
    return p
