#!/usr/bin/env python3
"""Set up the project on a fresh machine (only Python 3.11+ needed) and run a command in it.

    python3 dev.py demo        # install, then run the main job against the Ozon sandbox
    python3 dev.py test [ARGS] # install, then run the whole test suite on two workers (pytest ARGS)
    python3 dev.py run CMD...  # install, then run any command inside the virtualenv
    python3 dev.py setup       # install only

Installs into ./.venv from the locked requirements, re-syncing only when the lock file changes.
Standard library only: this runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".novex-lock.sha256"
TEST_WORKERS = ["-n", "2", "--dist", "loadfile"]


def _say(message: str) -> None:
    sys.stderr.write(f"[dev] {message}\n")


def _run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, env=env)


def ensure_env() -> None:
    """Create the virtualenv and install the locked dependencies plus the project (editable)."""
    # Kept at runtime: dev.py runs under any python3, before requires-python is enforced.
    if sys.version_info < (3, 11):  # noqa: UP036
        sys.exit("Python 3.11 or newer is required")
    if not (BIN / "python").exists():
        _say(f"creating virtualenv in {VENV} (a few seconds)")
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    env = {**os.environ, "UV_COMPILE_BYTECODE": "1"}
    started = time.monotonic()
    if not (BIN / "uv").exists():
        _say("installing uv into .venv with pip (fast, reproducible installs; ~10 s)")
        _run(BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "uv")
    packages = sum(1 for line in LOCK.read_text().splitlines() if line[:1].isalnum())
    _say(
        f"installing {packages} locked packages from {LOCK.name} with uv and compiling them "
        "(about a minute on a fresh machine, seconds when they are cached; "
        "repeated only when the lock or pyproject.toml changes)"
    )
    _run(BIN / "uv", "pip", "install", "--python", BIN / "python", "-r", LOCK, env=env)
    _say("installing the project itself (editable)")
    _run(
        BIN / "uv",
        "pip",
        "install",
        "--quiet",
        "--python",
        BIN / "python",
        "--no-deps",
        "-e",
        ".",
        env=env,
    )
    STAMP.write_text(digest)
    _say(f"environment ready in {time.monotonic() - started:.0f} s")


def main(argv: list[str]) -> int:
    """Entry point: see the module docstring."""
    if not argv or argv[0] not in {"demo", "test", "run", "setup"}:
        sys.stderr.write(__doc__ or "")
        return 2
    ensure_env()
    command, rest = argv[0], argv[1:]
    if command == "setup":
        return 0
    if command == "demo":
        args = [str(BIN / "novex"), "demo", *rest]
    elif command == "test":
        # Two workers, one test file each at a time (module fixtures such as the demo run
        # once): the tests mostly wait on sandboxes and subprocesses. `-n 0` runs serially.
        workers = [] if any(a.startswith(("-n", "--numprocesses")) for a in rest) else TEST_WORKERS
        args = [str(BIN / "python"), "-m", "pytest", *workers, *rest]
    else:
        if not rest:
            sys.stderr.write("usage: python3 dev.py run COMMAND [ARGS]\n")
            return 2
        args = [str(BIN / rest[0]) if (BIN / rest[0]).exists() else rest[0], *rest[1:]]
    return subprocess.call(args, cwd=ROOT, env=_dagster_env())


def _dagster_env() -> dict[str, str]:
    """The environment with a Dagster instance: `$DAGSTER_HOME`, else var/dagster.

    A folder without a dagster.yaml gets deploy/dagster.local.yaml (SQLite, run monitoring).
    """
    env = dict(os.environ)
    home = Path(env.get("DAGSTER_HOME") or ROOT / "var" / "dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    if not target.exists():
        _say(f"new Dagster instance in {home} (config from deploy/dagster.local.yaml)")
        target.write_bytes((ROOT / "deploy" / "dagster.local.yaml").read_bytes())
    env["DAGSTER_HOME"] = str(home)
    return env


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
