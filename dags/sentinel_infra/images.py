"""The step images' default tag: the one `make images` built, never a moving tag like `dev`.

images/build.sh tags every step `<package.json version>-<short git rev>` (images/tag.sh) and, after
building all of them, writes that tag to `image_tag.txt` beside this file (git-ignored: a commit
cannot hold its own rev). The file is what a DAG folder mounted without the repository sees (the
compose stack); in a checkout without it, the tag is computed the way images/tag.sh does.
Production sets SENTINEL_IMAGE_TAG to the released version instead (infra/k8s/airflow-values.yaml).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

TAG_FILE = Path(__file__).with_name("image_tag.txt")
REPO = Path(__file__).resolve().parents[2]


def tag_from_checkout(repo: Path = REPO) -> str | None:
    """`<package.json version>-<short git rev>` of the checkout, or None outside one."""
    try:
        version = json.loads((repo / "package.json").read_text())["version"]
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
    except (OSError, KeyError, ValueError, subprocess.SubprocessError):
        return None
    return f"{version}-{rev}"


def built_tag() -> str:
    """The tag of the last full `make images`, else the one it would build now."""
    if TAG_FILE.is_file():
        return TAG_FILE.read_text().strip()
    tag = tag_from_checkout()
    if tag is None:
        raise RuntimeError(f"no image tag: set SENTINEL_IMAGE_TAG, or run `make images` (writes {TAG_FILE})")
    return tag
