"""The vector index: exact fresh tier, annoy tier on disk, generations, and damage detection."""

import json

import numpy as np
import pytest

from recall_ls.core.index import AnnFiles, VectorIndex


def unit_rows(rng, n, dim):
    m = rng.standard_normal((n, dim)).astype(np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_fresh_tier_search_is_exact_cosine():
    rng = np.random.default_rng(1)
    vectors = unit_rows(rng, 200, 16)
    index = VectorIndex(16).with_fresh(np.arange(1, 201), vectors)
    query = vectors[17]
    (best, score), *_ = index.search(query, 5)
    assert best == 18 and abs(score - 1.0) < 1e-5
    expected = np.argsort(-(vectors @ query))[:5] + 1
    assert [num for num, _ in index.search(query, 5)] == expected.tolist()


def test_with_fresh_replaces_and_without_removes():
    index = VectorIndex(2).with_fresh(np.array([1, 2]), np.array([[1, 0], [0, 1]], np.float32))
    index = index.with_fresh(np.array([2]), np.array([[1, 0]], np.float32))
    assert index.size == 2
    assert np.allclose(index.vector(2), [1, 0])
    assert [n for n, _ in index.without(np.array([1])).search(np.array([1, 0], np.float32), 5)] == [2]


def test_fresh_vectors_are_found_by_number_whatever_order_they_came_in():
    rng = np.random.default_rng(3)
    vectors = unit_rows(rng, 6, 4)
    index = VectorIndex(4).with_fresh(np.array([9, 2, 7]), vectors[:3]).with_fresh(np.array([4, 2]), vectors[3:5])
    assert np.array_equal(index.vector(9), vectors[0]) and np.array_equal(index.vector(7), vectors[2])
    assert np.array_equal(index.vector(4), vectors[3]) and np.array_equal(index.vector(2), vectors[4])  # replaced
    assert index.vector(3) is None and index.vector(100) is None
    (best, _), *_ = index.search(vectors[2], 1)
    assert best == 7


def build(tmp_path, vectors, nums, trees=10):
    files = AnnFiles(tmp_path / "ann", vectors.shape[1])
    files.build(iter([(nums, vectors)]), trees=trees)
    return files


def test_annoy_tier_scores_are_cosine_and_recall_is_high(tmp_path):
    rng = np.random.default_rng(2)
    vectors = unit_rows(rng, 2000, 32)
    nums = np.arange(10, 2010)
    ann = build(tmp_path, vectors, nums).load()
    index = VectorIndex(32, ann)
    found_all = 0
    for q in range(20):
        query = vectors[q * 7]
        got = index.search(query, 10)
        exact = (nums[np.argsort(-(vectors @ query))[:10]]).tolist()
        found_all += len(set(n for n, _ in got) & set(exact))
        for num, score in got:  # 1 - d^2/2 is the cosine
            assert abs(score - float(vectors[num - 10] @ query)) < 1e-3
    assert found_all / 200 >= 0.95


def test_fresh_vector_wins_over_annoy_for_the_same_number(tmp_path):
    vectors = np.array([[1, 0, 0], [0, 1, 0]], np.float32)
    ann = build(tmp_path, vectors, np.array([1, 2])).load()
    index = VectorIndex(3, ann).with_fresh(np.array([1]), np.array([[0, 0, 1]], np.float32))
    scores = dict(index.search(np.array([0, 0, 1], np.float32), 2))
    assert abs(scores[1] - 1.0) < 1e-5


def test_cosines_score_the_numbers_asked_as_vector_does_one_by_one(tmp_path):
    rng = np.random.default_rng(4)
    vectors = unit_rows(rng, 12, 8)
    ann = build(tmp_path, vectors[:8], np.arange(1, 9)).load()
    # 1-8 in annoy, 3 and 9-12 fresh (3's fresh vector is the newer one); 40 is in neither.
    index = VectorIndex(8, ann).with_fresh(np.array([12, 3, 9, 11, 10]), vectors[[11, 8, 8, 10, 9]])
    query = vectors[5]
    asked = [12, 3, 40, 1, 9, 6]
    scores = index.cosines(asked, query)
    assert set(scores) == {12, 3, 1, 9, 6}
    for num, score in scores.items():
        assert score == pytest.approx(float(index.vector(num) @ query), abs=1e-5)
    assert scores[3] == pytest.approx(float(vectors[8] @ query), abs=1e-5)  # the fresh vector wins
    assert index.cosines([], query) == {}
    assert VectorIndex(8).cosines([1, 2], query) == {}  # nothing at all
    assert set(VectorIndex(8, ann).cosines([2, 9], query)) == {2}  # annoy alone


def test_new_generation_replaces_old_files(tmp_path):
    rng = np.random.default_rng(3)
    files = build(tmp_path, unit_rows(rng, 50, 8), np.arange(50))
    build(tmp_path, unit_rows(rng, 60, 8), np.arange(60))
    manifest = json.loads((tmp_path / "ann" / "current.json").read_text())
    assert manifest["generation"] == 2 and manifest["count"] == 60
    assert sorted(p.name for p in (tmp_path / "ann").iterdir()) == ["current.json", "gen-2.ann", "gen-2.nums.npy"]
    assert len(files.load().nums) == 60


def test_truncated_annoy_file_is_detected(tmp_path):
    rng = np.random.default_rng(4)
    files = build(tmp_path, unit_rows(rng, 100, 8), np.arange(100))
    ann_file = tmp_path / "ann" / "gen-1.ann"
    ann_file.write_bytes(ann_file.read_bytes()[:1000])
    assert files.load() is None


def test_index_for_another_dimension_is_not_loaded(tmp_path):
    rng = np.random.default_rng(5)
    build(tmp_path, unit_rows(rng, 20, 8), np.arange(20))
    assert AnnFiles(tmp_path / "ann", 16).load() is None


def scribble(path, offset, length=4096, seed=0):
    """Garbage over ``length`` bytes from ``offset`` (clamped to the file); the size is unchanged."""
    data = bytearray(path.read_bytes())
    start = max(0, min(offset, len(data) - length))
    data[start : start + length] = np.random.default_rng(seed).bytes(length)
    path.write_bytes(bytes(data))
    return len(data)


@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_same_size_garbage_in_an_annoy_file_is_detected_and_never_loaded(tmp_path, where):
    # Annoy maps what it is given: garbage near the start gave wrong answers, elsewhere a crash.
    rng = np.random.default_rng(6)
    files = build(tmp_path, unit_rows(rng, 2000, 32), np.arange(2000))
    ann_file = tmp_path / "ann" / "gen-1.ann"
    size = ann_file.stat().st_size
    offset = {"start": 0, "middle": size // 2, "end": size}[where]
    assert scribble(ann_file, offset) == size
    assert files.load() is None
    assert files.unusable and str(ann_file) in files.problem and "damaged" in files.problem
    assert "checksum" in files.problem


def test_same_size_garbage_in_the_numbers_file_is_detected(tmp_path):
    rng = np.random.default_rng(7)
    files = build(tmp_path, unit_rows(rng, 100, 8), np.arange(100))
    nums_file = tmp_path / "ann" / "gen-1.nums.npy"
    scribble(nums_file, nums_file.stat().st_size - 200, length=200)  # the numbers, not the header
    assert files.load() is None
    assert files.unusable and str(nums_file) in files.problem


def test_an_index_saved_without_checksums_is_not_loaded_and_not_called_damaged(tmp_path):
    rng = np.random.default_rng(8)
    files = build(tmp_path, unit_rows(rng, 50, 8), np.arange(50))
    manifest_path = tmp_path / "ann" / "current.json"
    manifest = json.loads(manifest_path.read_text())
    manifest_path.write_text(json.dumps({k: v for k, v in manifest.items() if "sha256" not in k and k != "nums_bytes"}))
    assert files.load() is None
    assert files.unusable and files.problem is None  # nothing the user can do, nothing lost: rebuilt quietly
