"""The DAGs' default image tag is the one `make images` builds: `<package.json version>-<short git rev>`."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from conftest import REPO
from sentinel_infra import images


@pytest.mark.skipif(shutil.which("node") is None or shutil.which("git") is None, reason="needs node and git")
def test_build_script_and_dag_config_compute_the_same_tag():
    built = subprocess.run([str(REPO / "images/tag.sh")], capture_output=True, text=True, check=True).stdout.strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+(-[\w.]+)?-[0-9a-f]{7,}", built), built
    assert images.tag_from_checkout() == built


def test_build_script_tags_images_with_it_and_records_it_where_the_config_reads():
    build = (REPO / "images/build.sh").read_text()
    assert "TAG=$(images/tag.sh)" in build
    assert '-t "log-sentinel/$step:$TAG"' in build
    assert str(images.TAG_FILE.relative_to(REPO)) in build
    assert images.TAG_FILE.name in (REPO / ".gitignore").read_text()  # a commit cannot hold its own rev


def test_default_tag_is_the_recorded_one_then_the_checkouts(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "TAG_FILE", tmp_path / "image_tag.txt")
    assert images.built_tag() == images.tag_from_checkout()
    images.TAG_FILE.write_text("0.1.0-abc1234\n")
    assert images.built_tag() == "0.1.0-abc1234"
    assert images.tag_from_checkout(tmp_path) is None  # not a checkout: no guess


def test_config_defaults_to_the_built_tag_never_dev(monkeypatch):
    import importlib

    from sentinel_infra import config

    monkeypatch.delenv("SENTINEL_IMAGE_TAG", raising=False)
    importlib.reload(config)
    assert config.IMAGE_TAG == images.built_tag() != "dev"
    monkeypatch.setenv("SENTINEL_IMAGE_TAG", "0.2.0")
    importlib.reload(config)
    assert config.step_config("score").image == "log-sentinel/score:0.2.0"
    monkeypatch.delenv("SENTINEL_IMAGE_TAG")
    importlib.reload(config)
