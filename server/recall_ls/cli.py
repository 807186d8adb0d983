"""``recall-ls``: scan, index, search, related, doctor, prune, and serve (the language server).

Other tools rely on these names, flags and JSON shapes. Exit codes: 0 all went well, 1 something
failed (a source with errors, a missing model), 2 the command line was wrong. Warnings (a file read,
though not all of it as written) never change the exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from recall_ls import __version__

# ``serve`` must reach its initialize reply fast, so this module imports only what is cheap: the core,
# ``logging``, ``sqlite3`` and even ``typing`` (for TYPE_CHECKING, which type checkers see as True)
# are imported where they are used.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from recall_ls.core.sources.base import ImportOptions

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv == ["serve"]:
        # What editors run: straight to the initialize reply, before the parser and its imports.
        command = partial(_serve_stdio, verbose=False)
    else:
        parser = _parser()
        args = parser.parse_args(argv)
        _configure_logging(args.verbose)
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        command = partial(args.run, args)
    try:
        return command()
    except KeyboardInterrupt:
        print("interrupted; what was stored is kept, run the command again to resume", file=sys.stderr)
        return EXIT_FAILED
    except _ReportedError as exc:
        print(f"recall-ls: {exc}", file=sys.stderr)
        return EXIT_FAILED


class _ReportedError(Exception):
    """An error already phrased for the user (a missing model, an unusable index folder)."""


# -- commands ---------------------------------------------------------------------------------------


def _cmd_scan(args: argparse.Namespace) -> int:
    from recall_ls.core import sources

    options = _import_options(args)
    reports = [report for p in args.paths for report in sources.read_all(Path(p), options) if not report.incidental]
    if args.json:
        payload = {
            "sources": [
                {
                    "path": r.path,
                    "kind": r.kind,
                    "fragments": len(r.fragments),
                    "skipped": sum(r.skipped.values()),
                    "skipped_reasons": dict(r.skipped),
                    "errors": [str(e) for e in r.errors],
                    "warnings": [str(w) for w in r.warnings],
                }
                for r in reports
            ],
            "fragments": sum(len(r.fragments) for r in reports),
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for r in reports:
            print(f"{r.path}\n  kind: {r.kind}\n  fragments: {len(r.fragments)}")
            _print_skips_and_errors(
                dict(r.skipped), [str(p) for p in r.skipped_files], [str(e) for e in r.errors], [str(w) for w in r.warnings]
            )
        print(f"total fragments: {sum(len(r.fragments) for r in reports)}")
    return EXIT_FAILED if any(r.errors for r in reports) else EXIT_OK


def _cmd_index(args: argparse.Namespace) -> int:
    import sqlite3

    from recall_ls.core.embed import ModelError

    session = _session(args, build_jobs=-1)
    bar = _ProgressLine(enabled=not args.quiet)
    started = time.monotonic()
    if session.store.read_only:
        raise _ReportedError(f"{session.store.index_dir} is read-only: cannot index into it")
    try:
        result = session.indexer.index([Path(p) for p in args.paths], _import_options(args), bar.update)
    except (sqlite3.OperationalError, OSError) as exc:
        raise _ReportedError(f"{session.store.index_dir}: cannot write the index: {exc}; what was stored is kept") from exc
    except ModelError as exc:
        raise _ReportedError(str(exc)) from exc
    finally:
        bar.close()
        _checkpoint(session.store)
    _warn(session.indexer.problems)
    summaries = result.sources
    total = session.store.count_fragments()
    if args.json:
        print(json.dumps(result.to_dict() | {"fragments": total}, ensure_ascii=False, indent=2))
    else:
        for s in summaries:
            print(f"{s.path}\n  kind: {s.kind}\n  fragments: {s.fragments} (+{s.added} new, {s.updated} changed, -{s.removed} gone)")
            _print_skips_and_errors(s.skipped, s.skipped_files, s.errors, s.warnings)
        print(
            f"index: {total} fragments, {result.embedded} newly embedded, in {session.store.index_dir}"
            f" ({time.monotonic() - started:.1f}s)"
        )
    return EXIT_FAILED if any(s.errors for s in summaries) else EXIT_OK


def _cmd_search(args: argparse.Namespace) -> int:
    session = _ready_session(args)
    filters = _filters(args)
    if args.batch:
        for line in _read_lines(args.batch):
            hits = session.engine.search(line, args.k, args.min_score, filters, ranking=args.ranking, boosts=_boosts(args))
            print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False), flush=True)
        return EXIT_OK
    if not args.text:
        raise _ReportedError("search needs TEXT or --batch FILE")
    hits = session.engine.search(" ".join(args.text), args.k, args.min_score, filters, ranking=args.ranking,
                                 boosts=_boosts(args))
    _print_hits(hits, args.json)
    return EXIT_OK


def _cmd_related(args: argparse.Namespace) -> int:
    from recall_ls.core.engine import Exclusions
    from recall_ls.core.markdown.blocks import block_at_line
    from recall_ls.core.markdown.splitter import split_blocks
    from recall_ls.core.sources.files import is_markdown

    session = _ready_session(args)
    filters = _filters(args)
    failed = False
    for target in args.targets:
        path, line = _split_target(target)
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"recall-ls: {path}: cannot read: {exc}", file=sys.stderr)
            failed = True
            continue
        exclude = Exclusions(path=str(path.absolute()))
        if line is not None:
            block = block_at_line(split_blocks(text, markdown=is_markdown(path)), line)
            if block is None:
                print(f"recall-ls: {path}:{line}: no paragraph at this line", file=sys.stderr)
                failed = True
                continue
            text = block.text
            exclude = Exclusions(path=str(path.absolute()), lines=(block.line_start, block.line_end))
        if len(args.targets) > 1 and not args.json:
            print(f"== {target}")
        hits = session.engine.related(text, args.k, args.min_score, filters, exclude, args.ranking, boosts=_boosts(args))
        _print_hits(hits, args.json)
    return EXIT_FAILED if failed else EXIT_OK


def _cmd_doctor(args: argparse.Namespace) -> int:
    from recall_ls.doctor import diagnose

    report = diagnose(_index_dir(args), args.model, args.device)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_tree(report)
    return EXIT_OK if report["ok"] else EXIT_FAILED


def _cmd_prune(args: argparse.Namespace) -> int:
    from recall_ls.core.embed import Embedder, ModelError, resolve_model
    from recall_ls.core.prune import prune_other_models
    from recall_ls.core.store import DB_NAME, Store, StoreError

    index_dir = _index_dir(args)
    if not (index_dir / DB_NAME).is_file():
        raise _ReportedError(f"no index in {index_dir}: nothing to prune")
    try:
        keep = Embedder(resolve_model(args.model), args.device).key  # the weights' checksum: no model load
        store = Store(index_dir)
    except (ModelError, StoreError) as exc:
        raise _ReportedError(str(exc)) from exc
    try:
        pruned = prune_other_models(store, keep, dry_run=args.dry_run)
    finally:
        store.close()
    verb = "would remove" if args.dry_run else "removed"
    for model, count in pruned.models.items():
        print(f"{verb} {count} vectors of {model}")
    for folder in pruned.folders:
        print(f"{verb} {folder}")
    if not pruned.models and not pruned.folders:
        print(f"nothing to prune: every vector in {index_dir} is of {keep}")
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    if not args.tcp:
        return _serve_stdio(args.verbose)
    from recall_ls.lsp.server import serve

    return serve(tcp=True, host=args.host, port=args.port)


def _serve_stdio(verbose: bool) -> int:
    """Answer ``initialize`` first (``recall_ls.lsp.bootstrap``), then import and run the server."""
    from recall_ls.lsp.bootstrap import answer_initialize

    opening = answer_initialize()
    _configure_logging(verbose)
    from recall_ls.lsp.server import serve

    return serve(opening=opening)


# -- helpers ----------------------------------------------------------------------------------------


def _configure_logging(verbose: bool) -> None:
    import logging

    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(message)s")


def _index_dir(args: argparse.Namespace) -> Path:
    """The command's index folder, resolved once (a ``recall.toml`` is read, and its problems told, once)."""
    if getattr(args, "resolved_index_dir", None) is None:
        args.resolved_index_dir = _resolve_index_dir(args)
    return args.resolved_index_dir


def _resolve_index_dir(args: argparse.Namespace) -> Path:
    """``--index-dir``, else ``$RECALL_INDEX_DIR``, else ``indexDir`` of a ``recall.toml`` in the current
    folder or the user's config folder, else the per-user data folder."""
    import os

    from recall_ls.core.paths import default_index_dir

    if args.index_dir:
        return Path(args.index_dir).expanduser()
    if not os.environ.get("RECALL_INDEX_DIR"):
        configured = _configured_index_dir()
        if configured is not None:
            return configured
    return default_index_dir()


def _configured_index_dir() -> Path | None:
    from platformdirs import user_config_dir

    from recall_ls.lsp.config import build_options, read_workspace_file

    for folder in (Path.cwd(), Path(user_config_dir("recall-ls", appauthor=False))):
        raw, problems = read_workspace_file(folder)
        _warn(problems)
        value = raw.get("indexDir", raw.get("index_dir"))
        if value is not None:
            options, problems = build_options({"index_dir": value}, folder)  # relative to the file's folder
            _warn(problems)
            if options.index_dir:
                return Path(options.index_dir)
    return None


def _session(args: argparse.Namespace, build_jobs: int = 1):
    from recall_ls.core.embed import ModelError
    from recall_ls.core.session import Session
    from recall_ls.core.store import StoreError

    try:
        # Queries through onnxruntime: a model loaded here exports and checks it once (a few seconds),
        # and later searches embed their query without loading the model at all.
        session = Session(_index_dir(args), args.model, args.device, build_jobs, fast_queries=True, light_queries=True)
    except (StoreError, ModelError) as exc:
        raise _ReportedError(str(exc)) from exc
    _warn(session.problems)
    return session


def _checkpoint(store) -> None:
    """Fold the write-ahead log into the database file before exiting: a folder made read-only
    afterwards is opened as immutable, which ignores the log (its last writes read as damage)."""
    import sqlite3

    try:
        store.checkpoint()
    except sqlite3.DatabaseError as exc:
        print(f"recall-ls: warning: {store.path}: cannot fold the write-ahead log: {exc}", file=sys.stderr)


def _warn(problems: list[str]) -> None:
    for problem in problems:
        print(f"recall-ls: warning: {problem}", file=sys.stderr)


def _ready_session(args: argparse.Namespace):
    """A session that can answer ``args.ranking``. The model (seconds to import) is loaded only when
    meaning can help: not for keyword ranking, nor while nothing is embedded yet."""
    from recall_ls.core.embed import ModelError
    from recall_ls.core.store import DB_NAME

    index_dir = _index_dir(args)
    if not (index_dir / DB_NAME).is_file():  # checked before anything is made there
        raise _ReportedError(f"no index in {index_dir}: run `recall-ls index PATH...` first")
    session = _session(args)
    if session.store.count_fragments() == 0:
        raise _ReportedError(f"the index in {session.store.index_dir} is empty: run `recall-ls index PATH...` first")
    if args.ranking == "keyword" or not session.store.has_embeddings(session.embedder.key):
        return session
    try:
        session.ready(load_model=False)  # the model loads only if the query cannot be embedded without it
    except ModelError as exc:
        raise _ReportedError(str(exc)) from exc
    _warn(session.indexer.problems)
    return session


def _import_options(args: argparse.Namespace) -> ImportOptions:
    from recall_ls.core.settings import schema
    from recall_ls.core.sources.base import ImportOptions

    values = {option.name: getattr(args, option.name) for option in schema(ImportOptions)}
    return ImportOptions(**{name: tuple(v) if isinstance(v, list) else v for name, v in values.items()})


def _filters(args: argparse.Namespace):
    from recall_ls.core.engine import Filters

    return Filters(
        kinds=frozenset(args.kind) if args.kind else None,
        since=args.since,
        until=args.until,
        path_glob=args.path,
    )


def _boosts(args: argparse.Namespace):
    from recall_ls.core.boosts import Boosts

    return Boosts(args.recency, args.prefer_engaged)


def _half_life(value: str) -> float:
    """``--recency``'s days, judged by ``Boosts`` as the setting's are: a positive number."""
    from recall_ls.core.boosts import Boosts

    try:
        return Boosts(float(value)).half_life_days
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number of days, got {value!r}") from None


def _split_target(target: str) -> tuple[Path, int | None]:
    """``notes/a.md:12`` -> (path, 12); a path that exists as given wins over a trailing ``:N``."""
    path, sep, tail = target.rpartition(":")
    if sep and tail.isdigit() and not Path(target).exists():
        return Path(path), int(tail)
    return Path(target), None


def _read_lines(name: str) -> list[str]:
    handle = sys.stdin if name == "-" else open(name, encoding="utf-8")
    with handle:
        return [line.strip() for line in handle if line.strip()]


def _print_hits(hits: list, as_json: bool) -> None:
    from recall_ls.core.boosts import explain

    if as_json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        print("nothing related enough (try a lower --min-score)")
        return
    for h in hits:
        f = h.fragment
        date = f.written[:10] or "----------"
        snippet = " ".join(f.text.split())
        snippet = snippet if len(snippet) <= 100 else snippet[:99] + "…"
        print(f"{h.score:5.2f}  {date}  {f.kind:<8}  {snippet}")
        print(f"{'':26}{f.url or f.location}  ({explain(h.parts)})")


def _print_skips_and_errors(skipped: dict, skipped_files: list[str], errors: list[str], warnings: list[str]) -> None:
    from recall_ls.core.sources.skips import explain

    if skipped:
        print("  skipped:")
    for reason, count in sorted(skipped.items()):
        meaning = explain(reason)
        print(f"    {count} {reason}" + (f" ({meaning})" if meaning else ""))
    for line in skipped_files[:20]:
        print(f"    {line}")
    if len(skipped_files) > 20:
        print(f"    ... and {len(skipped_files) - 20} more")
    # Warnings were read (not all as written) and never change the exit code; errors were not read.
    for line in warnings[:20]:
        print(f"  warning: {line}")
    if len(warnings) > 20:
        print(f"    ... and {len(warnings) - 20} more warnings")
    for line in errors:
        print(f"  error: {line}")


def _print_tree(value: dict, indent: str = "") -> None:
    """YAML-like display of a nested report (``doctor``)."""
    for key, item in value.items():
        if isinstance(item, dict):
            print(f"{indent}{key}:")
            _print_tree(item, indent + "  ")
        elif isinstance(item, list):
            print(f"{indent}{key}:" + ("" if item else " none"))
            for element in item:
                if isinstance(element, dict):
                    first, *rest = element.items()
                    print(f"{indent}  - {first[0]}: {first[1]}")
                    _print_tree(dict(rest), indent + "    ")
                else:
                    print(f"{indent}  - {element}")
        else:
            print(f"{indent}{key}: {item}")


class _ProgressLine:
    """A one-line progress display on stderr (stdout stays clean for JSON)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.interactive = sys.stderr.isatty()
        self._last_print = 0.0
        self._started: float | None = None  # of embedding: the rate leaves out reading and model load
        self._shown = False

    def update(self, event) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        final = event.done >= event.total
        if not final and now - self._last_print < (0.2 if self.interactive else 5.0):
            return
        self._last_print = now
        rate = ""
        if event.stage == "embedding":
            self._started = self._started or now
            if event.done and now > self._started:
                rate = f"  {event.done / (now - self._started):.0f}/s"
        line = f"[{event.stage}] {event.message or ''} {event.percent:3d}%{rate}"
        if self.interactive:
            sys.stderr.write("\r\033[K" + line)
            self._shown = True
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self._shown:
            sys.stderr.write("\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="recall-ls", description="Recall: your past writing, while you write.")
    parser.add_argument("--version", action="version", version=f"recall-ls {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    _add_commands(parser.add_subparsers(dest="command", metavar="COMMAND"))
    return parser


def _add_commands(commands) -> None:
    p = commands.add_parser("scan", help="parse sources and count fragments (no model)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true")
    _add_import_options(p)
    p.set_defaults(run=_cmd_scan)

    p = commands.add_parser("index", help="read sources and embed them into the index")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress line")
    _add_index_options(p)
    _add_import_options(p)
    p.set_defaults(run=_cmd_index)

    p = commands.add_parser("search", help="search past writing by words and meaning")
    p.add_argument("text", nargs="*", metavar="TEXT")
    p.add_argument("--batch", metavar="FILE", help="one query per line (- for stdin); one JSON list per line out")
    _add_index_options(p)
    _add_query_options(p)
    p.set_defaults(run=_cmd_search)

    p = commands.add_parser("related", help="past writing related to a file or the paragraph at FILE:LINE")
    p.add_argument("targets", nargs="+", metavar="FILE[:LINE]")
    _add_index_options(p)
    _add_query_options(p)
    p.set_defaults(run=_cmd_related)

    p = commands.add_parser("doctor", help="check the model, the index and the configuration")
    p.add_argument("--json", action="store_true")
    _add_index_options(p)
    p.set_defaults(run=_cmd_doctor)

    p = commands.add_parser("prune", help="remove the vectors and search index of models no longer used")
    p.add_argument("--dry-run", action="store_true", help="say what would go, remove nothing")
    _add_index_options(p)
    p.set_defaults(run=_cmd_prune)

    p = commands.add_parser("serve", help="run the language server (stdio by default)")
    p.add_argument("--tcp", action="store_true", help="listen on TCP instead of stdio")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=2087)
    p.set_defaults(run=_cmd_serve)


def _add_index_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index-dir", help="where the index lives (default: the per-user data folder)")
    p.add_argument("--model", default=None, help="model name or folder (default: bundled all-MiniLM-L6-v2)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda, mps (default: auto)")


def _add_import_options(p: argparse.ArgumentParser) -> None:
    """A flag for each import setting (``ImportOptions``, described once in its schema): ``--X`` turns
    on what is off by default (``--include-likes``), ``--no-X`` turns off what is on (``--no-replies``)."""
    from recall_ls.core.settings import schema
    from recall_ls.core.sources.base import ImportOptions

    for option in schema(ImportOptions):
        words = option.description.replace("`", "")
        if option.kind == "boolean" and option.default:
            flag = "--no-" + option.name.removeprefix("include_").replace("_", "-")
            p.add_argument(flag, dest=option.name, action="store_false", help=f"turn off (on by default): {words}")
        elif option.kind == "boolean":
            p.add_argument("--" + option.name.replace("_", "-"), action="store_true", help=words)
        elif option.kind == "array":
            p.add_argument("--" + option.name.replace("_", "-"), action="append", default=[], metavar="GLOB",
                           help=f"{words} Repeatable.")
        else:
            p.add_argument("--" + option.name.replace("_", "-"), type=int, default=option.default, help=words)


def _add_query_options(p: argparse.ArgumentParser) -> None:
    from recall_ls.core.boosts import ENGAGEMENT_CAP, RECENCY_CAP
    from recall_ls.core.defaults import DEFAULT_MIN_SCORE, DEFAULT_RANKING, DEFAULT_TOP_K, KIND_MEANINGS, RANKING_MEANINGS, RANKINGS

    p.add_argument("-k", type=int, default=DEFAULT_TOP_K, help=f"how many results (default {DEFAULT_TOP_K})")
    p.add_argument("--min-score", type=float, default=DEFAULT_MIN_SCORE, help="drop results below this score")
    meanings = "; ".join(f"{name}: {meaning}" for name, meaning in RANKING_MEANINGS.items())
    p.add_argument("--ranking", choices=RANKINGS, default=DEFAULT_RANKING, help=f"{meanings} (default {DEFAULT_RANKING})")
    kinds = "; ".join(f"{kind}: {meaning}" for kind, meaning in KIND_MEANINGS.items())
    p.add_argument("--kind", action="append", choices=list(KIND_MEANINGS), help=f"only this kind (repeatable): {kinds}")
    p.add_argument("--since", help="only from this date on (YYYY, YYYY-MM or YYYY-MM-DD)")
    p.add_argument("--until", help="only up to this date (inclusive)")
    p.add_argument("--path", help="only fragments whose file matches this glob")
    p.add_argument("--recency", type=_half_life, metavar="DAYS",
                   help=f"let recent writing win near-ties: up to +{RECENCY_CAP} today, halved every DAYS")
    p.add_argument("--prefer-engaged", action="store_true",
                   help=f"let likes and reposts lift a fragment a little (at most +{ENGAGEMENT_CAP})")
    p.add_argument("--json", action="store_true", help="print JSON")
