"""The vector index: an annoy forest over the bulk of the vectors, and an exact "fresh" tier.

A ``VectorIndex`` is an immutable snapshot. The single writer (the indexer) makes a new one when
vectors arrive or an annoy build finishes, and swaps it in; readers keep searching the one they hold.

- The annoy tier is built from the store's vectors, saved beside the store and memory-mapped. Its
  files are written under a new generation name and a small manifest is renamed into place last, so
  a crash mid-build leaves the previous generation in use. The manifest holds each file's size and
  SHA-256: a file that does not match is never loaded (annoy would crash on it or answer wrongly) and
  is rebuilt from the store.
- Every vector not in the annoy tier (added since the last build, or all of them while the corpus is
  small enough that exact search is both faster and exact) lives in the fresh tier and is searched
  exactly with numpy.
- Deleted fragments are not removed from the annoy file: their numbers no longer resolve in the store,
  so they are dropped when results are looked up (and their numbers are never reused).

Scores are cosine similarities: annoy's angular distance d gives cos = 1 - d^2 / 2.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from recall_ls.core.embed import file_sha256
from recall_ls.core.failpoints import failpoint
from recall_ls.core.paths import ensure_private_dir
from recall_ls.core.store import now_iso

log = logging.getLogger(__name__)

MANIFEST = "current.json"
# Measured (bench/RESULTS.md): exact numpy search on one thread beats annoy at equal recall below this.
ANN_MIN_ITEMS = 50_000
ANN_TREES = 50


def search_k_for(items: int) -> int:
    """Nodes annoy inspects per query, from bench/RESULTS.md (50 trees, MiniLM vectors): 80,000 gives
    recall@10 0.977 at 100k (p95 7.5 ms); at 1M it costs p95 39 ms, where 40,000 still gives 0.954
    at p95 9 ms."""
    return 80_000 if items <= 250_000 else 40_000


@dataclass(frozen=True, slots=True)
class AnnTier:
    """A loaded annoy generation: ``nums[i]`` is the fragment number of annoy item ``i``."""

    annoy: object
    nums: np.ndarray
    generation: int
    built_at: str
    search_k: int

    def search(self, query: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        items, distances = self.annoy.get_nns_by_vector(
            query.tolist(), count, search_k=max(self.search_k, count * ANN_TREES), include_distances=True
        )
        scores = 1.0 - np.square(np.asarray(distances, dtype=np.float32)) / 2.0
        return self.nums[np.asarray(items, dtype=np.int64)], scores

    def vector(self, num: int) -> np.ndarray | None:
        position = np.searchsorted(self.nums, num)
        if position < len(self.nums) and self.nums[position] == num:
            return np.asarray(self.annoy.get_item_vector(int(position)), dtype=np.float32)
        return None


@dataclass(frozen=True, slots=True)
class VectorIndex:
    """A searchable snapshot: the annoy tier (optional) plus the exact fresh tier."""

    dim: int
    ann: AnnTier | None = None
    fresh_nums: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    fresh_vectors: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.fresh_vectors is None:
            object.__setattr__(self, "fresh_vectors", np.empty((0, self.dim), dtype=np.float32))
        elif len(self.fresh_nums) > 1 and not (np.diff(self.fresh_nums) > 0).all():
            # Sorted by number, so ``vector()`` finds one by bisection on the keystroke path.
            order = np.argsort(self.fresh_nums, kind="stable")
            object.__setattr__(self, "fresh_nums", self.fresh_nums[order])
            object.__setattr__(self, "fresh_vectors", self.fresh_vectors[order])

    @property
    def size(self) -> int:
        return len(self.fresh_nums) + (len(self.ann.nums) if self.ann else 0)

    @property
    def covered(self) -> np.ndarray:
        """Every fragment number with a vector in this snapshot, sorted."""
        parts = [self.fresh_nums] + ([self.ann.nums] if self.ann else [])
        return np.unique(np.concatenate(parts))

    def with_fresh(self, nums: np.ndarray, vectors: np.ndarray) -> VectorIndex:
        """A new snapshot with these vectors added to (or replacing theirs in) the fresh tier."""
        if len(nums) == 0:
            return self
        keep = ~np.isin(self.fresh_nums, nums)
        return VectorIndex(
            self.dim,
            self.ann,
            np.concatenate([self.fresh_nums[keep], nums]),
            np.concatenate([self.fresh_vectors[keep], vectors.astype(np.float32, copy=False)]),
        )

    def without(self, nums: np.ndarray) -> VectorIndex:
        """A new snapshot whose fresh tier no longer holds ``nums`` (the annoy tier filters at lookup)."""
        keep = ~np.isin(self.fresh_nums, nums)
        if keep.all():
            return self
        return VectorIndex(self.dim, self.ann, self.fresh_nums[keep], self.fresh_vectors[keep])

    def search(self, query: np.ndarray, count: int) -> list[tuple[int, float]]:
        """The ``count`` best (number, cosine) pairs, best first. Callers over-ask to allow for
        numbers that turn out deleted, hidden or filtered out."""
        found: dict[int, float] = {}
        if len(self.fresh_nums):
            scores = self.fresh_vectors @ query
            take = min(count, len(scores))
            top = np.argpartition(-scores, take - 1)[:take]
            found.update(zip(self.fresh_nums[top].tolist(), scores[top].tolist(), strict=True))
        if self.ann is not None and len(self.ann.nums):
            nums, scores = self.ann.search(query, count)
            for num, score in zip(nums.tolist(), scores.tolist(), strict=True):
                if num not in found:  # the fresh tier holds the newer vector of a number
                    found[num] = score
        return sorted(found.items(), key=lambda pair: -pair[1])[:count]

    def cosines(self, nums: list[int], query: np.ndarray) -> dict[int, float]:
        """The cosine of each of these fragments that has a vector here: the keyword tier's
        candidates that the vector search did not bring, scored at once."""
        if not nums:
            return {}
        wanted = np.asarray(nums, dtype=np.int64)
        positions = np.minimum(np.searchsorted(self.fresh_nums, wanted), max(len(self.fresh_nums) - 1, 0))
        fresh = self.fresh_nums[positions] == wanted if len(self.fresh_nums) else np.zeros(len(nums), dtype=bool)
        found = dict(zip(wanted[fresh].tolist(), (self.fresh_vectors[positions[fresh]] @ query).tolist(), strict=True))
        if self.ann is not None:
            for num in wanted[~fresh].tolist():
                if (vector := self.ann.vector(num)) is not None:
                    found[num] = float(vector @ query)
        return found

    def vector(self, num: int) -> np.ndarray | None:
        position = int(np.searchsorted(self.fresh_nums, num))
        if position < len(self.fresh_nums) and self.fresh_nums[position] == num:
            return self.fresh_vectors[position]
        return self.ann.vector(num) if self.ann else None


class AnnFiles:
    """The annoy generations of one model in ``folder``: build, verify, load, and clean up."""

    def __init__(self, folder: Path, dim: int | None) -> None:
        self.folder = Path(folder)
        self.dim = dim  # None where the model is not loaded (``doctor``): the dimension goes unchecked
        self.problem: str | None = None  # why the last check found the saved index damaged, for the user
        # The saved generation cannot be used (damaged, or saved without checksums): the next build
        # replaces it, whatever the size of the corpus.
        self.unusable = False

    def manifest(self) -> dict | None:
        try:
            manifest = json.loads((self.folder / MANIFEST).read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            self._damaged(self.folder / MANIFEST, f"unreadable: {exc}")
            return None
        if not isinstance(manifest, dict):
            self._damaged(self.folder / MANIFEST, "not a manifest")
            return None
        return manifest

    def verify(self) -> dict | None:
        """The current manifest once its files have been checked against it, byte for byte; None when
        there is no generation or it cannot be used (``problem`` says why when it is damaged).

        Annoy memory-maps its file and trusts it: garbage inside a file of the right size crashes the
        process or gives wrong answers, so nothing is loaded before its checksum matches. Reading the
        file costs ~0.15 s per 200 MB (bench/RESULTS.md), and warms the pages annoy then maps."""
        self.problem, self.unusable = None, False
        manifest = self.manifest()
        if manifest is None:
            return None
        where = self.folder / MANIFEST
        try:
            ann_path, nums_path = self._paths(int(manifest["generation"]))
            if self.dim is not None and manifest.get("dim") != self.dim:
                raise ValueError(f"built for dimension {manifest.get('dim')}, the model has {self.dim}")
            if "ann_sha256" not in manifest:
                log.info("%s: saved without checksums by an older Recall; it is rebuilt", where)
                self.unusable = True
                return None
            # ``where`` names the file being checked in the message.
            for where, kind in ((ann_path, "ann"), (nums_path, "nums")):
                _check_file(where, manifest[f"{kind}_bytes"], manifest[f"{kind}_sha256"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self._damaged(where, exc)
            return None
        return manifest

    def load(self, search_k: int | None = None) -> AnnTier | None:
        """The current generation, verified then memory-mapped; None when there is none or it cannot be used."""
        manifest = self.verify()
        if manifest is None:
            return None
        from annoy import AnnoyIndex

        generation = int(manifest["generation"])
        ann_path, nums_path = self._paths(generation)
        try:
            nums = np.load(nums_path, allow_pickle=False)
            annoy = AnnoyIndex(self.dim, "angular")
            annoy.load(str(ann_path), prefault=False)
            if annoy.get_n_items() != len(nums) or len(nums) != manifest["count"]:
                raise ValueError(f"{ann_path.name} holds {annoy.get_n_items()} items, expected {manifest['count']}")
        except (OSError, ValueError, KeyError) as exc:
            self._damaged(ann_path, exc)
            return None
        return AnnTier(annoy, nums, generation, manifest.get("built_at", ""), search_k or search_k_for(len(nums)))

    def _damaged(self, path: Path, reason: object) -> None:
        self.problem = f"{path}: the search index is damaged ({reason}); it is rebuilt from the store"
        self.unusable = True
        log.info("%s", self.problem)  # the caller tells the user (the CLI's warning, the server's message)

    def build(self, batches: Iterator[tuple[np.ndarray, np.ndarray]], trees: int = ANN_TREES, jobs: int = 1) -> int:
        """Build a new generation from (nums, vectors) batches sorted by num, and make it current.

        Returns the number of items. Runs for seconds to minutes: call it off the editor's thread.
        """
        from annoy import AnnoyIndex

        ensure_private_dir(self.folder)
        previous = self.manifest()
        generation = (int(previous["generation"]) + 1) if previous else 1
        ann_path, nums_path = self._paths(generation)
        annoy = AnnoyIndex(self.dim, "angular")
        all_nums = []
        item = 0
        for nums, vectors in batches:
            for vector in vectors:
                annoy.add_item(item, vector)
                item += 1
            all_nums.append(nums)
        annoy.build(trees, n_jobs=jobs)
        temporary = ann_path.with_suffix(".ann.tmp")
        annoy.save(str(temporary), prefault=False)
        annoy.unload()
        _fsync(temporary)
        failpoint("annoy-saved")
        os.replace(temporary, ann_path)
        nums = np.concatenate(all_nums) if all_nums else np.empty(0, dtype=np.int64)
        _atomic_write(nums_path, lambda handle: np.save(handle, nums, allow_pickle=False))
        failpoint("annoy-before-manifest")
        manifest = {
            "generation": generation,
            "count": int(len(nums)),
            "dim": self.dim,
            "trees": trees,
            "ann_bytes": ann_path.stat().st_size,
            "ann_sha256": file_sha256(ann_path),
            "nums_bytes": nums_path.stat().st_size,
            "nums_sha256": file_sha256(nums_path),
            "built_at": now_iso(),
        }
        _atomic_write(self.folder / MANIFEST, lambda handle: handle.write(json.dumps(manifest).encode()))
        self._remove_other_generations(generation)
        return len(nums)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _paths(self, generation: int) -> tuple[Path, Path]:
        return self.folder / f"gen-{generation}.ann", self.folder / f"gen-{generation}.nums.npy"

    def _remove_other_generations(self, keep: int) -> None:
        # Readers may still hold an older file memory-mapped; unlinking it is safe on POSIX.
        for path in self.folder.glob("gen-*"):
            if not path.name.startswith(f"gen-{keep}."):
                path.unlink(missing_ok=True)


def _check_file(path: Path, size: int, digest: str) -> None:
    actual = path.stat().st_size
    if actual != size:
        raise ValueError(f"it is {actual} bytes, expected {size}")
    if file_sha256(path) != digest:
        raise ValueError("its content does not match its checksum")


def _atomic_write(path: Path, write) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
