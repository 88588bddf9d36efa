"""Near-optimal 1:1 matching for a round (DESIGN §9). Pure NumPy + PyMatching, no Django.

Input: unit vectors (one row per participant), pairs that must never meet
(never-pair lists), pairs that met recently (no-repeat rule) and, optionally,
each person's weekly availability as a boolean "a call can start here" mask
on a UTC grid of half-hours (`start_masks`, shape (n, 336)).

Score of a pair (what the matching maximises)::

    W[i, j] = similarity(i, j)                      cosine, clipped to [-1, 1]
            + AVAILABILITY_BONUS  if their masks share a start slot
            - REPEAT_PENALTY      if they met in the last N rounds
    never-pair pairs are not edges at all.

So an overlap beats any difference in similarity, and a repeat happens only
when a person has no other allowed partner left (it is then reported).

Method (fast, exact on a sparse graph):

1. `W` is built with matrix products; each person's top-k partners come from
   `np.argpartition` (no Python loop over pairs).
2. A greedy matching (best edges first, then the best free partner for whoever
   is left) adds its edges, so the sparse graph always holds a complete
   pairing when one exists.
3. PyMatching (a sparse-blossom minimum-weight perfect matching decoder) solves
   the sparse graph with weights `C - W`, `C > 3·max(W) - 2·min(W)`: every
   weight is positive and a path through other people always costs more than
   a direct edge. Every person also has an edge to the boundary, priced so
   that leaving two people out always costs more than pairing them: with an
   odd count exactly one person goes to the boundary — the one whose absence
   loses least — and joins the pair they fit best as the round's one trio.
4. Every returned pair is checked against the allowed edges (a decoder may
   route through other nodes); a pair that is not an edge is undone and those
   people are paired greedily.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

AVAILABILITY_BONUS = 1.0
REPEAT_PENALTY = 5.0
TOP_K = 50
WEEK_SLOTS = 7 * 48  # half-hours in a week


@dataclass
class MatchingResult:
    """Groups of participant indices (pairs, and at most one trio) and how they were found."""

    groups: list[tuple[int, ...]]
    left_out: dict[int, str]  # index -> reason
    objective: float  # sum of W over the pairs of the perfect matching (trio members excluded)
    similarity: float  # sum of cosine similarity over every pair inside a group
    method: str
    seconds: float
    repeats: list[tuple[int, int]] = field(default_factory=list)
    without_overlap: list[tuple[int, ...]] = field(default_factory=list)
    edges: int = 0


def _pair_keys(pairs: np.ndarray, n: int) -> np.ndarray:
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    lo = np.minimum(pairs[:, 0], pairs[:, 1])
    hi = np.maximum(pairs[:, 0], pairs[:, 1])
    return lo * n + hi


def score_matrix(
    vectors: np.ndarray,
    *,
    forbidden: np.ndarray | None = None,
    repeats: np.ndarray | None = None,
    start_masks: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Return (W, overlap): pair scores (-inf = not allowed) and the bool overlap matrix.

    Built in place on one n×n float32 array (at 5,000 people each extra copy
    costs ~0.2 s and 100 MB).
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    n = len(vectors)
    scores = vectors @ vectors.T
    np.clip(scores, -1.0, 1.0, out=scores)
    overlap = None
    if start_masks is not None:
        masks = np.asarray(start_masks, dtype=np.float32)
        overlap = (masks @ masks.T) > 0
        if AVAILABILITY_BONUS == 1.0:
            np.add(scores, overlap, out=scores, casting="unsafe")
        else:
            scores += np.float32(AVAILABILITY_BONUS) * overlap
    if repeats is not None and len(repeats):
        keys = np.unique(_pair_keys(repeats, n))
        lo, hi = keys // n, keys % n
        scores[lo, hi] -= REPEAT_PENALTY
        scores[hi, lo] -= REPEAT_PENALTY
    if forbidden is not None and len(forbidden):
        f = np.asarray(forbidden, dtype=np.int64).reshape(-1, 2)
        scores[f[:, 0], f[:, 1]] = -np.inf
        scores[f[:, 1], f[:, 0]] = -np.inf
    np.fill_diagonal(scores, -np.inf)
    assert scores.shape == (n, n)
    return scores, overlap


def candidate_edges(scores: np.ndarray, k: int = TOP_K) -> np.ndarray:
    """Return unique allowed edges (i < j) among each person's top-k partners, shape (m, 2)."""
    n = len(scores)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    k = min(k, n - 1)
    top = np.argpartition(scores, n - k, axis=1)[:, n - k :]
    rows = np.repeat(np.arange(n), k)
    cols = top.ravel()
    keep = np.isfinite(scores[rows, cols])
    keys = np.unique(_pair_keys(np.stack([rows[keep], cols[keep]], axis=1), n))
    return np.stack([keys // n, keys % n], axis=1)


def all_edges(scores: np.ndarray) -> np.ndarray:
    """Return every allowed edge (i < j): the full graph, for exact reference solutions."""
    i, j = np.triu_indices(len(scores), k=1)
    keep = np.isfinite(scores[i, j])
    return np.stack([i[keep], j[keep]], axis=1).astype(np.int64)


def greedy_pairs(scores: np.ndarray, edges: np.ndarray) -> list[tuple[int, int]]:
    """Pair greedily: best candidate edges first, then the best free partner for the rest."""
    n = len(scores)
    weights = scores[edges[:, 0], edges[:, 1]]
    order = np.argsort(-weights, kind="stable")
    free = np.ones(n, dtype=bool)
    pairs: list[tuple[int, int]] = []
    for a, b in edges[order].tolist():
        if free[a] and free[b]:
            free[a] = free[b] = False
            pairs.append((a, b))
    for a in np.flatnonzero(free).tolist():
        if not free[a]:
            continue
        free[a] = False
        row = np.where(free, scores[a], -np.inf)
        b = int(np.argmax(row)) if n else 0
        if np.isfinite(row[b]):
            free[b] = False
            pairs.append((a, b))
        else:
            free[a] = True  # nobody allowed is free: `a` stays alone
    return pairs


def exact_pairs(
    scores: np.ndarray, edges: np.ndarray
) -> tuple[list[tuple[int, int]], list[int], int]:
    """Solve max-weight matching on `edges` with PyMatching; return (pairs, alone, bad_pairs).

    `alone` are the people matched to the boundary. Pairs that are not edges are
    dropped (their people are returned in `alone`) and counted in `bad_pairs`.
    """
    import pymatching
    from scipy.sparse import csc_matrix

    n = len(scores)
    m = len(edges)
    if n == 0:
        return [], [], 0
    w = scores[edges[:, 0], edges[:, 1]].astype(np.float64) if m else np.zeros(0)
    w_max = float(w.max()) if m else 0.0
    w_min = float(w.min()) if m else 0.0
    c = 3.0 * w_max - 2.0 * w_min + 1.0
    boundary = (c - w_min) / 2.0 + 1.0
    rows = np.concatenate([edges[:, 0], edges[:, 1], np.arange(n)])
    cols = np.concatenate([np.arange(m), np.arange(m), m + np.arange(n)])
    data = np.ones(len(rows), dtype=np.uint8)
    check = csc_matrix((data, (rows, cols)), shape=(n, m + n))
    weights = np.concatenate([c - w, np.full(n, boundary)])
    matching = pymatching.Matching.from_check_matrix(check, weights=weights)
    matched = matching.decode_to_matched_dets_array(np.ones(n, dtype=np.uint8))
    edge_keys = np.sort(_pair_keys(edges, n)) if m else np.zeros(0, dtype=np.int64)
    pairs: list[tuple[int, int]] = []
    alone: list[int] = []
    bad = 0
    for a, b in np.asarray(matched, dtype=np.int64).reshape(-1, 2).tolist():
        if b < 0:
            alone.append(a)
            continue
        key = min(a, b) * n + max(a, b)
        pos = int(np.searchsorted(edge_keys, key))
        if pos < len(edge_keys) and edge_keys[pos] == key:
            pairs.append((min(a, b), max(a, b)))
        else:
            bad += 1
            alone.extend([a, b])
    return pairs, alone, bad


def best_trio(scores: np.ndarray, person: int, pairs: list[tuple[int, int]]) -> int | None:
    """Return the index of the pair `person` fits best (allowed with both), or None."""
    if not pairs:
        return None
    arr = np.asarray(pairs, dtype=np.int64)
    gain = scores[person, arr[:, 0]] + scores[person, arr[:, 1]]
    if not np.isfinite(gain).any():
        return None
    return int(np.argmax(gain))


def match(
    vectors: np.ndarray,
    *,
    forbidden: np.ndarray | None = None,
    repeats: np.ndarray | None = None,
    start_masks: np.ndarray | None = None,
    k: int = TOP_K,
) -> MatchingResult:
    """Match everyone into pairs (plus one trio for an odd count); see the module docstring.

    People with no allowed partner at all are in `left_out` with the reason.
    """
    import pymatching  # noqa: F401 - imported before the clock starts: the first import is slow
    import scipy.sparse  # noqa: F401

    started = time.perf_counter()
    vectors = np.asarray(vectors, dtype=np.float32)
    n = len(vectors)
    if n < 2:
        left = {i: "the only participant this round" for i in range(n)}
        return MatchingResult([], left, 0.0, 0.0, "none", time.perf_counter() - started)
    scores, overlap = score_matrix(
        vectors, forbidden=forbidden, repeats=repeats, start_masks=start_masks
    )
    edges = candidate_edges(scores, k)
    greedy = greedy_pairs(scores, edges)
    if greedy:
        keys = np.concatenate([_pair_keys(edges, n), _pair_keys(np.asarray(greedy), n)])
        keys = np.unique(keys)
        edges = np.stack([keys // n, keys % n], axis=1)
    pairs, alone, bad = exact_pairs(scores, edges)
    method = f"pymatching sparse top-{k} + greedy edges"
    if bad:
        method += f"; {bad} non-edge pair(s) re-paired greedily"
    # People the solver left alone: pair those who can be paired, then one trio.
    if len(alone) > 1:
        sub = np.asarray(sorted(set(alone)), dtype=np.int64)
        sub_scores = scores[np.ix_(sub, sub)]
        for a, b in greedy_pairs(sub_scores, all_edges(sub_scores)):
            pairs.append((int(sub[a]), int(sub[b])))
        paired = {p for pair in pairs for p in pair}
        alone = [p for p in sub.tolist() if p not in paired]
    pair_array = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    objective = float(scores[pair_array[:, 0], pair_array[:, 1]].astype(np.float64).sum())
    groups: list[tuple[int, ...]] = [tuple(p) for p in pairs]
    left_out: dict[int, str] = {}
    for person in alone:
        if any(len(g) == 3 for g in groups):
            left_out[person] = "no allowed partner left (never-pair lists)"
            continue
        where = best_trio(scores, person, pairs)
        if where is None:
            left_out[person] = "no allowed partner (never-pair lists)"
            continue
        groups[where] = (*groups[where], person)
    result = MatchingResult(
        groups=groups,
        left_out=left_out,
        objective=objective,
        similarity=0.0,
        method=method,
        seconds=0.0,
        edges=len(edges),
    )
    inside = np.asarray(
        [(g[x], g[y]) for g in groups for x in range(len(g)) for y in range(x + 1, len(g))],
        dtype=np.int64,
    ).reshape(-1, 2)
    sims = np.clip(np.einsum("ij,ij->i", vectors[inside[:, 0]], vectors[inside[:, 1]]), -1, 1)
    result.similarity = float(sims.sum())
    if repeats is not None and len(repeats):
        met_before = np.isin(_pair_keys(inside, n), _pair_keys(repeats, n))
        result.repeats = [(int(a), int(b)) for a, b in inside[met_before]]
    if overlap is not None:
        apart = {
            i
            for i, g in enumerate(groups)
            for x in range(len(g))
            for y in range(x + 1, len(g))
            if not overlap[g[x], g[y]]
        }
        result.without_overlap = [groups[i] for i in sorted(apart)]
    result.seconds = time.perf_counter() - started
    return result
