"""astn.core.embeddings: shapes, exact hashing vectors, offline wordllama, openai over HTTP."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from astn.core import embeddings

ROOT = Path(__file__).resolve().parents[2]


def _slot(token: str) -> tuple[int, float]:
    digest = hashlib.sha256(token.encode()).digest()
    return int.from_bytes(digest[:4], "big") % 256, (1.0 if digest[4] % 2 == 0 else -1.0)


def test_hashing_vector_is_exact():
    vector = embeddings.embed_text("Apple apple, banana!", backend="hashing")
    expected = np.zeros(256, dtype=np.float32)
    for token in ("apple", "apple", "banana"):
        index, sign = _slot(token)
        expected[index] += sign
    expected /= np.linalg.norm(expected)
    assert vector.dtype == np.float32
    assert vector.shape == (embeddings.EMBEDDING_DIM,)
    np.testing.assert_allclose(vector, expected, rtol=0, atol=1e-7)


def test_single_token_is_one_signed_axis():
    index, sign = _slot("gardening")
    vector = embeddings.embed_text("gardening", backend="hashing")
    assert vector[index] == sign
    assert np.count_nonzero(vector) == 1


@pytest.mark.parametrize("backend", ["hashing", "wordllama"])
def test_blank_text_is_a_zero_row_not_nan(backend):
    vectors = embeddings.embed_texts(["", "   ", "climate policy"], backend=backend)
    assert vectors.shape == (3, 256)
    assert not np.isnan(vectors).any()
    assert not vectors[:2].any()
    assert abs(float(np.linalg.norm(vectors[2])) - 1.0) < 1e-5


def test_empty_input_gives_an_empty_matrix():
    assert embeddings.embed_texts([], backend="wordllama").shape == (0, 256)


def test_wordllama_is_semantic():
    vectors = embeddings.embed_texts(
        [
            "machine learning research and neural networks",
            "deep learning models and AI",
            "growing tomatoes in my vegetable garden",
        ],
        backend="wordllama",
    )
    sims = embeddings.cosine_matrix(vectors)
    assert sims[0, 1] > sims[0, 2] + 0.1
    assert sims.max() <= 1.0


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(embeddings.EmbeddingsError, match="Unknown EMBEDDINGS_BACKEND"):
        embeddings.embed_texts(["x"], backend="bert")


def test_default_backend_is_wordllama(settings):
    assert embeddings.backend_name() == "wordllama"


OFFLINE_SCRIPT = textwrap.dedent(
    """
    import socket
    try:
        socket.create_connection(("huggingface.co", 443), timeout=3)
    except OSError:
        pass
    else:
        raise SystemExit("network is reachable: the test proves nothing")
    from astn.core import embeddings
    v = embeddings.embed_texts(["offline embedding works", "second text"], backend="wordllama")
    print(v.shape, round(float((v[0] ** 2).sum()), 3))
    """
)


def _offline_command() -> list[str]:
    """`unshare -n` (a network namespace with no interfaces) when root; else block sockets."""
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("unshare"):
        return ["unshare", "-n", sys.executable, "-c", OFFLINE_SCRIPT]
    blocker = (
        "import socket\n"
        "def _no(*a, **k): raise OSError('network disabled by the test')\n"
        "socket.socket.connect = _no\nsocket.create_connection = _no\n"
        "socket.getaddrinfo = _no\n"
    )
    return [sys.executable, "-c", blocker + OFFLINE_SCRIPT]


def test_wordllama_runs_without_network(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),  # no ~/.cache/wordllama to fall back on
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "0",
    }
    result = subprocess.run(
        _offline_command(), capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "(2, 256) 1.0" in result.stdout


class _FakeOpenAI(BaseHTTPRequestHandler):
    """Speaks `POST /v1/embeddings` like OpenAI: {"data": [{"index", "embedding"}], ...}."""

    fail_first: list[int] = []
    seen: list[dict] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append({"path": self.path, "auth": self.headers["Authorization"], **body})
        if type(self).fail_first:
            status = type(self).fail_first.pop(0)
            payload = json.dumps({"error": {"message": "slow down"}}).encode()
            self.send_response(status)
            self.send_header("Retry-After", "0")
        else:
            data = [
                {"object": "embedding", "index": i, "embedding": [float(i + 1)] + [0.0] * 255}
                for i, _ in enumerate(body["input"])
            ]
            payload = json.dumps({"object": "list", "data": data[::-1], "model": body["model"]})
            payload = payload.encode()
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_openai(settings):
    _FakeOpenAI.seen = []
    _FakeOpenAI.fail_first = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield _FakeOpenAI
    server.shutdown()
    server.server_close()


def test_openai_backend_sends_256_dimensions_and_keeps_order(fake_openai):
    vectors = embeddings.embed_texts(["first", "", "third"], backend="openai")
    request = fake_openai.seen[0]
    assert request["path"] == "/v1/embeddings"
    assert request["auth"] == "Bearer sk-test"
    assert request["dimensions"] == 256
    assert request["input"] == ["first", "third"]  # a blank text is never sent
    assert vectors[0, 0] == 1.0
    assert vectors[2, 0] == 1.0
    assert not vectors[1].any()


def test_openai_backend_retries_a_429(fake_openai):
    fake_openai.fail_first = [429, 503]
    vectors = embeddings.embed_texts(["retry me"], backend="openai")
    assert len(fake_openai.seen) == 3
    assert vectors[0, 0] == 1.0


def test_openai_backend_gives_up_clearly_on_a_400(fake_openai):
    fake_openai.fail_first = [400]
    with pytest.raises(embeddings.EmbeddingsError, match="refused the request"):
        embeddings.embed_texts(["bad"], backend="openai")
    assert len(fake_openai.seen) == 1


def test_openai_without_a_key_is_a_clear_error(settings):
    settings.OPENAI_API_KEY = ""
    with pytest.raises(embeddings.EmbeddingsError, match="OPENAI_API_KEY"):
        embeddings.embed_texts(["x"], backend="openai")
