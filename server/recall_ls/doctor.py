"""``recall-ls doctor``: what a user (or a bug report) needs to know about their installation.

Checks the model files and their checksum, the device torch would use and the precision batches are
embedded in there, the store's integrity, what is indexed and embedded, and how fresh the search index
is and whether its files match their checksums. It never loads the model itself, and repairs nothing:
a damaged file is reported, and left for the next ``index`` or server start to rebuild.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from recall_ls import __version__
from recall_ls.core import batch_precision
from recall_ls.core.embed import Embedder, ModelError, describe, resolve_model
from recall_ls.core.index import AnnFiles
from recall_ls.core.indexing import ann_folder
from recall_ls.core.paths import default_cache_dir
from recall_ls.core.sources.skips import explain
from recall_ls.core.store import DB_NAME, SCHEMA_VERSION, Store, StoreError, damage_before_open


def diagnose(index_dir: Path, model: str | None, device: str) -> dict:
    problems: list[str] = []
    report: dict = {"ok": True, "version": __version__, "python": sys.version.split()[0]}
    embedder = None
    try:
        spec = resolve_model(model)
        report["model"] = describe(spec)
        embedder = Embedder(spec, device)
        if report["model"]["weights"] is None:
            problems.append(f"model {spec.name}: no weights file in {spec.location}")
    except ModelError as exc:
        problems.append(str(exc))
        report["model"] = {"name": model, "error": str(exc)}
    report["device"] = _device_report(device)
    report["queries"] = _query_runtime_report(embedder)
    report["batches"] = _batch_report(embedder, report["device"])
    report["index"] = _index_report(index_dir, embedder, problems)
    report["configuration"] = {
        "index_dir": str(index_dir),
        "RECALL_INDEX_DIR": os.environ.get("RECALL_INDEX_DIR"),
        "RECALL_CACHE_DIR": os.environ.get("RECALL_CACHE_DIR"),
        "HF_HUB_OFFLINE": "1 (always: Recall never downloads)",
    }
    report["problems"] = problems
    report["ok"] = not problems
    return report


def _source_report(source: dict) -> dict:
    """A source as last read: what it holds, and what was skipped and why (ignore rules included)."""
    last = source.get("last_read", {})
    report = {"path": source["path"], "kind": source["kind"], "fragments": source["fragments"],
              "indexed_at": source["indexed_at"]}
    if last.get("skipped"):
        # Each reason with what it means: "12 empty" alone reads as a problem when it is a choice.
        report["skipped"] = {reason: f"{count} ({explain(reason)})" if explain(reason) else count
                             for reason, count in last["skipped"].items()}
    if last.get("skipped_files"):
        report["skipped_files"] = last["skipped_files"]  # every one, as the README promises
    if last.get("errors"):
        report["errors"] = last["errors"]
    if last.get("warnings"):
        report["warnings"] = last["warnings"]
    return report


def _device_report(device: str) -> dict:
    try:
        import torch
    except ImportError:
        return {"requested": device, "error": "torch is not installed"}
    cuda = torch.cuda.is_available()
    return {
        "requested": device,
        "torch": torch.__version__,
        "cuda": torch.cuda.get_device_name(0) if cuda else False,
        "threads": torch.get_num_threads(),
        "would_use": ("cuda" if cuda else "cpu") if device == "auto" else device,
    }


def _query_runtime_report(embedder: Embedder | None) -> dict:
    """How the server will embed queries on the CPU: onnxruntime with the cached export, else torch."""
    from importlib import metadata

    from recall_ls.core.onnx_queries import export_path

    try:
        version = metadata.version("onnxruntime")
    except metadata.PackageNotFoundError:
        return {"onnxruntime": None, "runtime": "torch (install onnxruntime: queries 1.7x faster)"}
    report: dict = {"onnxruntime": version}
    if embedder is not None and embedder.spec.weights_file is not None:
        path = export_path(default_cache_dir(), embedder.key)
        report["export"] = str(path)
        report["exported"] = path.is_file()  # else the server makes it on its first start (a few seconds)
    return report


def _batch_report(embedder: Embedder | None, device: dict) -> dict:
    """The precision indexing embeds in on the device torch would use, and why: the verdict the
    last check recorded on this hardware, else what the first batch will check."""
    if embedder is None or "would_use" not in device:
        return {"precision": None}
    hw = batch_precision.hardware(device["would_use"])
    requested = embedder.requested_precision
    path = batch_precision.record_path(default_cache_dir(), embedder.key, hw.device_type)
    entry = batch_precision.recorded(path, hw, device["torch"]) if requested == "auto" and hw.dtypes else None
    if entry is not None:
        return {"precision": entry["describe"], "checked_at": entry["checked_at"]}
    if requested == "fp32" or not hw.dtypes:
        # Nothing to check: choose() decides from the setting and the hardware alone.
        return {"precision": batch_precision.choose(hw, requested, check=None).describe()}
    return {"precision": f"{' or '.join(hw.dtypes)} on {hw.label} if it agrees with fp32, else fp32",
            "checked_at": None}  # checked when the first batch is embedded


def _index_report(index_dir: Path, embedder: Embedder | None, problems: list[str]) -> dict:
    if not (index_dir / DB_NAME).exists():
        return {"path": str(index_dir), "exists": False, "hint": "run `recall-ls index PATH...`"}
    damage = damage_before_open(index_dir)
    if damage is not None:  # not opened: SQLite would quietly make a new database of it
        problems.append(_store_damaged(index_dir, damage))
        return {"path": str(index_dir), "error": problems[-1]}
    try:
        store = Store(index_dir)
    except StoreError as exc:
        problems.append(str(exc))
        return {"path": str(index_dir), "error": str(exc)}
    try:
        damage = store.integrity_problem()
        if damage:
            problems.append(_store_damaged(index_dir, damage))
        report = {
            "path": str(index_dir),
            "schema_version": SCHEMA_VERSION,
            "permissions": oct(index_dir.stat().st_mode & 0o777),
            "fragments": store.count_fragments(),
            "hidden": len(store.hidden_ids()),
            "sources": [_source_report(s) for s in store.sources()],
        }
        if embedder is not None:
            key = embedder.key
            report["model_key"] = key
            report["embedded"] = store.count_embeddings(key)
            report["waiting_for_embedding"] = store.count_missing_embeddings(key)
            others = {model: n for model, n in store.embedding_models().items() if model != key}
            if others:
                report["other_models"] = others | {"hint": "vectors of models no longer used: `recall-ls prune` removes them"}
            report["search_index"] = _search_index_report(ann_folder(index_dir, key), problems)
        return report
    finally:
        store.close()


def _store_damaged(index_dir: Path, damage: str) -> str:
    return (f"{index_dir / DB_NAME}: the index store is damaged ({damage}); the next `recall-ls index` or "
            "server start moves it aside and rebuilds it")


def _search_index_report(folder: Path, problems: list[str]) -> dict | str:
    """The saved annoy generation, checked byte for byte against its manifest as the server would."""
    files = AnnFiles(folder, dim=None)
    manifest = files.verify()
    if files.problem:
        problems.append(files.problem)
        return {"damaged": files.problem}
    if manifest is not None:
        return {"vectors": manifest["count"], "built_at": manifest["built_at"], "checksums": "match"}
    if files.unusable:
        return "saved without checksums by an older Recall: rebuilt by the next `recall-ls index` or server start"
    return "none (exact search: the corpus is small or not built yet)"
