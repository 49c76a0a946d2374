"""The benchmark commands of `dlocr`: `synth` writes a labelled synthetic set, `eval` measures a reader on one.

Registered from engine/cli.py; the heavy modules (OpenCV drawing, the engine) load only inside the handlers.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

EXIT_FAILED = 1
SCENE_TIERS = ("scan", "photo", "hard", "wallet")


def add_commands(commands: argparse._SubParsersAction) -> None:
    synth = commands.add_parser("synth", help="generate a labelled set of synthetic license images")
    synth.add_argument("--n", type=int, default=500, help="how many images (default 500)")
    synth.add_argument("--seed", type=int, default=0, help="master seed: same seed, same bytes (default 0)")
    synth.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write images and labels to")
    synth.add_argument(
        "--tiers",
        type=_tiers,
        default=SCENE_TIERS,
        help=f"comma-separated scene tiers (default {','.join(SCENE_TIERS)})",
    )
    synth.add_argument(
        "--electronic-share", type=float, help="share of e-license screenshots (default 0.1; 0 with --card)"
    )
    synth.add_argument(
        "--card",
        type=Path,
        action="append",
        default=[],
        metavar="FLAT",
        help="photograph this real page instead of drawn ones: a flat, upright picture with a label beside it "
        "(FLAT.json: side, result, optionally the card's quad); repeat for more pages",
    )
    synth.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: all cores)")
    synth.add_argument("--reuse", action="store_true", help="do nothing when DIR already holds this exact set")
    synth.set_defaults(command=_run_synth)

    evaluate = commands.add_parser("eval", help="measure field accuracy and speed on a labelled folder")
    evaluate.add_argument("folder", type=Path, metavar="DIR", help="images with a JSON label beside each")
    evaluate.add_argument("--url", help="evaluate a running server (http://host:port) instead of the engine in process")
    evaluate.add_argument("--project", default="dlocr", help="project id in the server's URL path (default dlocr)")
    evaluate.add_argument("--side", choices=["front", "back", "double_side"], help="side to request (default: none)")
    evaluate.add_argument("--limit", type=int, help="only the first N images")
    evaluate.add_argument("--json", type=Path, metavar="FILE", help="write the summary and per-image results")
    evaluate.add_argument("--html", type=Path, metavar="FILE", help="write a self-contained HTML report")
    evaluate.add_argument("--results-md", type=Path, metavar="FILE", help="append the table to this markdown file")
    evaluate.set_defaults(command=_run_eval)


def _tiers(text: str) -> tuple[str, ...]:
    tiers = tuple(tier.strip() for tier in text.split(",") if tier.strip())
    unknown = [tier for tier in tiers if tier not in SCENE_TIERS]
    if unknown or not tiers:
        raise argparse.ArgumentTypeError(f"unknown tier {', '.join(unknown)}; choose from {', '.join(SCENE_TIERS)}")
    return tiers


def _run_synth(args: argparse.Namespace) -> int:
    from benchmarks.progress import ProgressBar
    from benchmarks.synth.generate import SynthConfig, generate, is_current

    cards = tuple(str(path.resolve()) for path in args.card)
    share = args.electronic_share if args.electronic_share is not None else (0.0 if cards else 0.1)
    bar = None
    try:
        config = SynthConfig(n=args.n, seed=args.seed, tiers=args.tiers, electronic_share=share, cards=cards)
        if args.reuse and is_current(config, args.out):
            print(f"{args.out} already holds this set (seed {config.seed}, {config.n} images); kept it")
            return 0
        bar = ProgressBar("synth")
        generate(config, args.out, workers=args.workers, progress=bar.update)
    except ValueError as error:  # a bad setting, or an own card or label that cannot be used (LabelError)
        print(f"dlocr synth: {error}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        if bar is not None:
            bar.close()
    print(f"wrote {config.n} images and labels to {args.out}")
    return 0


def _run_eval(args: argparse.Namespace) -> int:
    from benchmarks.eval import metrics, report
    from benchmarks.eval.readers import ReaderUnavailable, engine_reader, http_reader
    from benchmarks.labels import LabelError, read_folder
    from benchmarks.memory import MemoryUse, resident_mb
    from benchmarks.progress import ProgressBar

    try:
        items = read_folder(args.folder)[: args.limit]
        if not items:
            print(f"dlocr eval: no labelled images in {args.folder}", file=sys.stderr)
            return EXIT_FAILED
        reader = http_reader(args.url, args.project, args.side) if args.url else engine_reader()
        bar = ProgressBar("eval")
        memory_after_first: list[tuple[float, float] | None] = []

        def progress(done: int, total: int) -> None:
            if done == 1:
                memory_after_first.append(resident_mb())
            bar.update(done, total)

        try:
            outcomes, wall_s = metrics.run(items, reader, progress=progress)
        finally:
            bar.close()
    except (ReaderUnavailable, LabelError) as error:
        print(f"dlocr eval: {error}", file=sys.stderr)
        return EXIT_FAILED
    summary = metrics.summarize(outcomes, wall_s)
    first = memory_after_first[0] if memory_after_first else None
    last = resident_mb()
    if not args.url and first is not None and last is not None:
        # Only the engine in process: a server's memory is its own process's.
        summary = replace(summary, memory=MemoryUse(first[0], last[0], last[1]))
    source = args.url or "the engine in process"
    print(report.table(summary, f"{args.folder} via {source}"))
    if args.json:
        report.write_json(args.json, summary, outcomes)
    if args.html:
        report.write_html(args.html, summary, outcomes, f"{args.folder} via {source}")
    if args.results_md:
        report.append_results(args.results_md, summary, f"{args.folder} via {source}")
    return 0
