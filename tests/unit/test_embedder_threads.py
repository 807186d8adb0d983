"""Torch's OpenMP threads sleep when idle: the wait policy is set before torch loads its OpenMP
runtime, which reads it once. A user's own setting wins. Real bundled model, in a fresh process
(this one may have loaded torch already)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.model

PROBE = """
import os
from recall_ls.core.embed import Embedder, resolve_model

def openmp_loaded():
    with open("/proc/self/maps") as maps:
        return "libgomp" in maps.read()

before = openmp_loaded()
Embedder(resolve_model(None)).load()
print(before, openmp_loaded(), os.environ.get("OMP_WAIT_POLICY"))
"""


def load_in_fresh_process(**env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"} | env
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=environment,
                            timeout=120, check=True)
    return result.stdout.split()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_openmp_loads_after_the_wait_policy_is_set_to_passive():
    assert load_in_fresh_process() == ["False", "True", "PASSIVE"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_a_users_own_wait_policy_is_kept():
    assert load_in_fresh_process(OMP_WAIT_POLICY="ACTIVE")[2] == "ACTIVE"
