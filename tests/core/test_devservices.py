"""Several commands share the embedded services: the last session out stops them."""

from __future__ import annotations

import os
import subprocess
import sys

from astn.devservices import live_sessions


def test_live_sessions_keeps_running_pids_and_forgets_dead_ones(tmp_path):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    try:
        for pid in (os.getpid(), other.pid, gone.pid):
            (tmp_path / str(pid)).touch()
        (tmp_path / "not-a-pid").touch()
        assert live_sessions(tmp_path) == sorted([os.getpid(), other.pid])
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            [str(os.getpid()), str(other.pid)]
        )
    finally:
        other.kill()
        other.wait()
    assert live_sessions(tmp_path) == [os.getpid()]


def test_no_sessions_folder_means_no_sessions(tmp_path):
    assert live_sessions(tmp_path / "missing") == []
