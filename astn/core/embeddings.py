"""Text embeddings for the whole project: one function, three backends, 256 dimensions.

Public API (docs/embeddings.md)::

    from astn.core import embeddings

    vectors = embeddings.embed_texts(["AI safety", "gardening"])  # (2, 256) float32
    embeddings.EMBEDDING_DIM  # 256

Every row is L2-normalised, so a dot product is the cosine similarity. A blank
text gets a zero row (similarity 0 with everything) instead of NaNs. Store
vectors in a `pgvector.django.VectorField(dimensions=EMBEDDING_DIM)`.

`settings.EMBEDDINGS_BACKEND` picks the backend:

- `wordllama` (the default): a real semantic model whose weights ship inside
  its PyPI wheel; runs offline on the CPU (~0.03 s for 2,000 short answers
  after a ~0.2 s first load). WordLlama's loader looks for its tokenizer in
  `<package>/tokenizer/` while the wheel ships `<package>/tokenizers/`, and
  then falls back to downloading from Hugging Face. We load it with
  `cache_dir=<the package's own folder>` (where `tokenizers/` *is* the cache
  layout it expects) and `disable_download=True`, so a missing file is an
  error, never a network call.
- `hashing`: a deterministic bag-of-words hash (see `hashing_embed`), for tests
  that need exact vectors. Not semantic: "car" and "automobile" are unrelated.
- `openai`: the OpenAI embeddings API over httpx (`OPENAI_API_KEY`,
  `OPENAI_BASE_URL`, `OPENAI_EMBEDDINGS_MODEL`, default
  `text-embedding-3-small` asked for 256 dimensions). Never call it inside a
  database transaction.

Vectors of different backends are not comparable: callers that store vectors
should store `backend_name()` alongside and re-embed when it changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import re
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

EMBEDDING_DIM = 256
BACKENDS = ("wordllama", "hashing", "openai")

_TOKEN = re.compile(r"[a-z0-9]+")
_wordllama_model: Any = None
_wordllama_lock = threading.Lock()


class EmbeddingsError(Exception):
    """The backend could not embed the texts (misconfigured, or the provider failed)."""


def backend_name(backend: str | None = None) -> str:
    """Return the backend in use: `backend` if given, else `settings.EMBEDDINGS_BACKEND`."""
    if backend is None:
        from django.conf import settings

        backend = getattr(settings, "EMBEDDINGS_BACKEND", "") or "wordllama"
    if backend not in BACKENDS:
        raise EmbeddingsError(f"Unknown EMBEDDINGS_BACKEND {backend!r}; use one of {BACKENDS}.")
    return backend


def embed_texts(texts: Sequence[str], *, backend: str | None = None) -> np.ndarray:
    """Embed `texts`; return a float32 array of shape (len(texts), EMBEDDING_DIM).

    Rows are unit length (or all zero for a blank text). Raise `EmbeddingsError`
    when the backend is unknown or fails; an empty `texts` gives a (0, 256) array.
    """
    name = backend_name(backend)
    texts = [str(text or "") for text in texts]
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    if name == "hashing":
        vectors = np.stack([hashing_embed(text) for text in texts])
    elif name == "wordllama":
        vectors = _wordllama_embed(texts)
    else:
        vectors = _openai_embed(texts)
    return _normalise(vectors, blank=[not text.strip() for text in texts])


def embed_text(text: str, *, backend: str | None = None) -> np.ndarray:
    """Embed one text; return a float32 vector of length EMBEDDING_DIM."""
    return embed_texts([text], backend=backend)[0]


def cosine_matrix(vectors: np.ndarray) -> np.ndarray:
    """Return the pairwise cosine similarities of unit-length rows, clipped to [-1, 1].

    float32 rounding can push a self-similarity to 1.0000001; the clip keeps
    "similarity ≤ 1" true for callers that rely on it.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    return np.clip(vectors @ vectors.T, -1.0, 1.0)


def _normalise(vectors: np.ndarray, *, blank: list[bool]) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(blank), EMBEDDING_DIM)
    vectors = np.nan_to_num(vectors, nan=0.0, posinf=0.0, neginf=0.0)
    vectors[np.asarray(blank, dtype=bool)] = 0.0
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    np.divide(vectors, norms, out=vectors, where=norms > 0)
    return vectors


# --- hashing -------------------------------------------------------------------------------


def hashing_tokens(text: str) -> list[str]:
    """Lower-case `text` and split it into runs of ASCII letters and digits."""
    return _TOKEN.findall(text.lower())


def hashing_embed(text: str) -> np.ndarray:
    """Return the unnormalised hashing vector of `text` (exact, for tests).

    For each token, `h = sha256(token.encode())`: the index is
    `int.from_bytes(h[:4], "big") % 256` and the sign is `+1` when `h[4]` is
    even, else `-1`; the vector is the sum over tokens. `embed_texts` then
    scales it to unit length.
    """
    vector = np.zeros(EMBEDDING_DIM, dtype=np.float32)
    for token in hashing_tokens(text):
        digest = hashlib.sha256(token.encode()).digest()
        index = int.from_bytes(digest[:4], "big") % EMBEDDING_DIM
        vector[index] += 1.0 if digest[4] % 2 == 0 else -1.0
    return vector


# --- wordllama -----------------------------------------------------------------------------


def wordllama_model() -> Any:
    """Load WordLlama once per process, from the files inside its wheel (never the network)."""
    global _wordllama_model
    if _wordllama_model is None:
        with _wordllama_lock:
            if _wordllama_model is None:
                try:
                    import wordllama
                    from wordllama import WordLlama
                except ImportError as error:
                    raise EmbeddingsError("The wordllama package is not installed.") from error
                package_dir = Path(wordllama.__file__).resolve().parent
                try:
                    _wordllama_model = WordLlama.load(
                        cache_dir=package_dir, disable_download=True, dim=EMBEDDING_DIM
                    )
                except FileNotFoundError as error:
                    raise EmbeddingsError(f"WordLlama's files are missing: {error}") from error
    return _wordllama_model


def _wordllama_embed(texts: list[str]) -> np.ndarray:
    return np.asarray(wordllama_model().embed(texts, norm=False), dtype=np.float32)


# --- openai --------------------------------------------------------------------------------

OPENAI_BATCH = 512
OPENAI_ATTEMPTS = 3
OPENAI_TIMEOUT = 30.0


def _openai_embed(texts: list[str]) -> np.ndarray:
    """Call `POST {OPENAI_BASE_URL}/embeddings` in batches; retry 429, 5xx and lost connections.

    Blank texts are not sent (the API refuses empty input); their rows stay zero.
    """
    import httpx
    from django.conf import settings

    api_key = getattr(settings, "OPENAI_API_KEY", "")
    if not api_key:
        raise EmbeddingsError("EMBEDDINGS_BACKEND is openai but OPENAI_API_KEY is not set.")
    base_url = (getattr(settings, "OPENAI_BASE_URL", "") or "https://api.openai.com/v1").rstrip("/")
    model = getattr(settings, "OPENAI_EMBEDDINGS_MODEL", "") or "text-embedding-3-small"
    out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
    todo = [i for i, text in enumerate(texts) if text.strip()]
    with httpx.Client(
        base_url=base_url,
        timeout=OPENAI_TIMEOUT,
        headers={"Authorization": f"Bearer {api_key}"},
    ) as client:
        for start in range(0, len(todo), OPENAI_BATCH):
            batch = todo[start : start + OPENAI_BATCH]
            body = {
                "model": model,
                "input": [texts[i] for i in batch],
                "dimensions": EMBEDDING_DIM,
                "encoding_format": "float",
            }
            data = _openai_post(client, body)
            try:
                for item in data["data"]:
                    out[batch[item["index"]]] = np.asarray(item["embedding"], dtype=np.float32)
            except (KeyError, IndexError, TypeError, ValueError) as error:
                raise EmbeddingsError("The embeddings provider sent an odd answer.") from error
    return out


def _openai_post(client: Any, body: dict) -> dict:
    import httpx

    for attempt in range(1, OPENAI_ATTEMPTS + 1):
        retry_after = None
        try:
            response = client.post("/embeddings", json=body)
        except httpx.TransportError as error:
            if attempt == OPENAI_ATTEMPTS:
                raise EmbeddingsError(f"The embeddings provider is unreachable: {error}") from error
        else:
            if response.status_code == 200:
                return response.json()
            if response.status_code != 429 and response.status_code < 500:
                raise EmbeddingsError(
                    f"The embeddings provider refused the request (HTTP {response.status_code})."
                )
            if attempt == OPENAI_ATTEMPTS:
                raise EmbeddingsError(
                    f"The embeddings provider kept failing (HTTP {response.status_code})."
                )
            retry_after = response.headers.get("Retry-After")
        delay = 0.5 * 2 ** (attempt - 1)
        if retry_after:
            with contextlib.suppress(ValueError):
                delay = max(delay, min(float(retry_after), 20.0))
        time.sleep(delay * (1 + random.random() / 10))  # noqa: S311 - jitter, not crypto
    raise EmbeddingsError("The embeddings provider kept failing.")
