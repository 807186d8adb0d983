"""Installs PyTorch into the running Python environment without gigabytes of CUDA on a CPU machine.

Recall runs on a laptop CPU. On PyPI the plain `torch` wheel for Linux pulls the CUDA packages
(gigabytes), so on a machine without an NVIDIA GPU this asks PyTorch's CPU wheel index first. When
that index cannot be reached (an offline mirror, a closed network), it falls back at once to what the
configured package index offers, and says whether that build is the CPU one or the CUDA one before
installing it. Stdlib only: it runs before anything else is installed.

Usage: python scripts/install_torch.py [SPEC]   (SPEC defaults to the version Recall is tested with)
Environment: RECALL_TORCH_INDEX overrides the CPU index URL ("" skips it).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

DEFAULT_SPEC = "torch==2.13.0"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
# Long enough for a slow network, short enough that a closed one costs seconds, not minutes.
PROBE_SECONDS = 5


def say(message: str) -> None:
    print(f"install_torch: {message}", flush=True)


def installed_torch() -> str | None:
    try:
        return importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        return None


def has_nvidia_gpu() -> bool:
    if Path("/proc/driver/nvidia/gpus").is_dir():
        return True
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return False
    try:
        return subprocess.run([smi, "-L"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def reachable(index: str) -> bool:
    try:
        request = urllib.request.Request(f"{index.rstrip('/')}/torch/", method="HEAD")
        with urllib.request.urlopen(request, timeout=PROBE_SECONDS):
            return True
    except Exception as error:  # any failure means "not usable now"; the reason is printed
        say(f"{index} is not reachable ({error.__class__.__name__}: {error})")
        return False


def pip(*args: str) -> list[str]:
    return [sys.executable, "-m", "pip", *args]


def resolve(spec: str) -> tuple[str, bool]:
    """What the configured index would install for ``spec``: its version and whether it needs CUDA
    packages (read from a dry run, so nothing is downloaded beyond the metadata)."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            pip("install", "--dry-run", "--quiet", "--ignore-installed", "--report", str(report), spec),
            check=True,
        )
        for item in json.loads(report.read_text())["install"]:
            metadata = item["metadata"]
            if metadata["name"].lower() == "torch":
                needs = metadata.get("requires_dist") or []
                return metadata["version"], any(req.startswith("nvidia-") for req in needs)
    raise SystemExit(f"install_torch: the package index offers no build for {spec}")


def main(argv: list[str]) -> int:
    spec = argv[1] if len(argv) > 1 else DEFAULT_SPEC
    present = installed_torch()
    if present is not None:
        say(f"torch {present} is already installed; keeping it")
        return 0
    if has_nvidia_gpu():
        say(f"an NVIDIA GPU is present: installing {spec} with CUDA from the package index")
        return subprocess.call(pip("install", spec))
    index = os.environ.get("RECALL_TORCH_INDEX", CPU_INDEX)
    if index and reachable(index):
        say(f"no NVIDIA GPU: installing the CPU build of {spec} from {index}")
        status = subprocess.call(pip("install", "--index-url", index, spec))
    else:
        version, cuda = resolve(spec)
        build = "a CUDA build (several GB of nvidia-* packages)" if cuda else "the CPU build"
        say(f"no NVIDIA GPU and no CPU index: the package index offers torch {version}, {build}")
        status = subprocess.call(pip("install", spec))
    if status == 0:
        say(f"installed torch {installed_torch()}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
