"""communities.matching: exactness, trios, never-pair lists, repeats and availability."""

import networkx as nx
import numpy as np
import pytest

from communities import matching


def _unit(rng, n, d=16):
    v = rng.normal(size=(n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _members(groups):
    return sorted(p for g in groups for p in g)


@pytest.mark.parametrize("n", [10, 40, 120])
def test_matches_the_exact_optimum_of_a_small_round(n):
    rng = np.random.default_rng(n)
    vectors = _unit(rng, n)
    result = matching.match(vectors)
    scores, _ = matching.score_matrix(vectors)
    graph = nx.Graph()
    for i in range(n):
        for j in range(i + 1, n):
            graph.add_edge(i, j, weight=float(scores[i, j]))
    best = nx.max_weight_matching(graph, maxcardinality=True)
    optimum = sum(scores[a, b] for a, b in best)
    assert result.objective >= optimum - 1e-3 * abs(optimum)
    assert _members(result.groups) == list(range(n))
    assert all(len(g) == 2 for g in result.groups)


def test_odd_count_makes_exactly_one_trio():
    rng = np.random.default_rng(1)
    result = matching.match(_unit(rng, 11))
    sizes = sorted(len(g) for g in result.groups)
    assert sizes == [2, 2, 2, 2, 3]
    assert _members(result.groups) == list(range(11))
    assert result.left_out == {}


def test_never_pairs_are_never_matched_even_when_most_similar():
    vectors = np.eye(4, 8, dtype=np.float32)
    vectors[1] = vectors[0]  # 0 and 1 identical: the best pair by far
    vectors[3] = vectors[2]
    result = matching.match(vectors, forbidden=np.array([[0, 1]]))
    pairs = {frozenset(g) for g in result.groups}
    assert frozenset((0, 1)) not in pairs
    assert _members(result.groups) == [0, 1, 2, 3]


def test_everyone_on_each_others_never_pair_lists_leaves_them_out_with_a_reason():
    forbidden = np.array([[a, b] for a in range(3) for b in range(3) if a < b])
    result = matching.match(np.eye(3, 8, dtype=np.float32), forbidden=forbidden)
    assert result.groups == []
    assert sorted(result.left_out) == [0, 1, 2]
    assert all("never-pair" in reason for reason in result.left_out.values())


def test_a_repeat_is_avoided_when_possible():
    vectors = np.eye(4, 8, dtype=np.float32)
    vectors[1] = vectors[0]
    result = matching.match(vectors, repeats=np.array([[0, 1]]))
    assert frozenset((0, 1)) not in {frozenset(g) for g in result.groups}
    assert result.repeats == []


def test_an_unavoidable_repeat_is_made_and_reported():
    result = matching.match(np.eye(2, 8, dtype=np.float32), repeats=np.array([[0, 1]]))
    assert result.groups == [(0, 1)]
    assert result.repeats == [(0, 1)]


def test_overlapping_availability_beats_similarity():
    vectors = np.zeros((4, 8), dtype=np.float32)
    vectors[0, 0] = vectors[1, 0] = 1.0  # 0 and 1 are alike ...
    vectors[2, 1] = vectors[3, 1] = 1.0
    masks = np.zeros((4, matching.WEEK_SLOTS), dtype=bool)
    masks[[0, 2], 10] = True  # ... but 0 can only talk with 2, and 1 with 3
    masks[[1, 3], 200] = True
    result = matching.match(vectors, start_masks=masks)
    assert {frozenset(g) for g in result.groups} == {frozenset((0, 2)), frozenset((1, 3))}
    assert result.without_overlap == []


@pytest.mark.parametrize("n", [0, 1])
def test_zero_or_one_participant_matches_nobody(n):
    result = matching.match(np.zeros((n, 8), dtype=np.float32))
    assert result.groups == []
    assert len(result.left_out) == n


def test_float32_similarity_above_one_is_clipped():
    v = np.full((2, 3), 0.57735027, dtype=np.float32)
    scores, _ = matching.score_matrix(v)
    assert scores[0, 1] <= 1.0
