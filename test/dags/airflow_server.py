"""A real Airflow for the REST API tests: `airflow standalone` (api-server, scheduler, dag-processor,
triggerer; LocalExecutor) on a fresh PostgreSQL metadata database, with the repo's DAGs and the
Docker runner. Talks to it the way the UI does: REST API v2 with a bearer token."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from conftest import DAGS
from services import ADMIN_URL, REPO, Sandbox, admin


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AirflowServer:
    def __init__(self, box: Sandbox, home: Path, extra_env: dict[str, str]) -> None:
        self.box = box
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.meta_db = f"airflow_{uuid.uuid4().hex[:10]}"
        admin(f"CREATE DATABASE {self.meta_db}")
        pg = ADMIN_URL.replace("postgres://", "postgresql+psycopg2://").rsplit("/", 1)[0]
        (home / "passwords.json").write_text(json.dumps({"admin": "admin"}))
        self.env = {
            **os.environ,
            "AIRFLOW_HOME": str(home),
            # standalone starts its components as `airflow ...` subprocesses: the venv's must come first.
            "PATH": f"{REPO / '.venv-airflow/bin'}:{os.environ.get('PATH', '')}",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"{pg}/{self.meta_db}",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(DAGS / "sentinel_infra/plugins"),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
            "AIRFLOW__API__PORT": str(self.port),
            # One signing key for every component, or workers' task tokens fail validation.
            "AIRFLOW__API_AUTH__JWT_SECRET": uuid.uuid4().hex,
            "AIRFLOW__API__BASE_URL": self.url,
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
            "PYTHONPATH": str(DAGS),
            "SENTINEL_RUNNER": "docker",
            "SENTINEL_DOCKER_ENV_FILE": str(box.env_file(home / "sentinel.env")),
            "SENTINEL_TASK_RETRIES": "0",
            **extra_env,
        }
        self.log = open(home / "standalone.log", "w")  # noqa: SIM115 (open while Airflow runs; stop() closes it)
        self.proc = subprocess.Popen(
            [str(REPO / ".venv-airflow/bin/airflow"), "standalone"],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=home,
            start_new_session=True,
        )
        self.token = ""
        self._wait_ready()

    def _wait_ready(self, timeout: float = 240) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None or "Exception in thread" in (self.home / "standalone.log").read_text():
                raise RuntimeError(f"airflow standalone failed; see {self.home}/standalone.log")
            try:
                self.token = self._post_json("/auth/token", {"username": "admin", "password": "admin"}, auth=False)[
                    "access_token"
                ]
                if self.get("/api/v2/dags/log_sentinel_daily").get("dag_id"):
                    return
            except (urllib.error.URLError, ConnectionError, KeyError):
                pass
            time.sleep(2)
        raise TimeoutError(f"Airflow not ready in {timeout}s; see {self.home}/standalone.log")

    def _request(self, method: str, path: str, body: dict | None = None, auth: bool = True) -> dict:
        req = urllib.request.Request(
            self.url + path, method=method, data=json.dumps(body).encode() if body is not None else None
        )
        req.add_header("Content-Type", "application/json")
        if auth:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                text = res.read().decode()
                return json.loads(text) if text else {}
        except urllib.error.HTTPError as err:
            if err.code in (404,):
                return {}
            raise AssertionError(f"{method} {path} → {err.code}: {err.read().decode()[:2000]}") from err

    def _post_json(self, path: str, body: dict, auth: bool = True) -> dict:
        return self._request("POST", path, body, auth)

    def get(self, path: str) -> dict:
        return self._request("GET", path)

    def post(self, path: str, body: dict) -> dict:
        return self._request("POST", path, body)

    def patch(self, path: str, body: dict) -> dict:
        return self._request("PATCH", path, body)

    def wait_run(self, dag_id: str, run_id: str, timeout: float = 600) -> str:
        deadline = time.time() + timeout
        while time.time() < deadline:
            state = self.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}").get("state")
            if state in ("success", "failed"):
                return state
            time.sleep(3)
        raise TimeoutError(f"{dag_id} {run_id} still running after {timeout}s; see {self.home}/standalone.log")

    def task_states(self, dag_id: str, run_id: str) -> dict[str, str]:
        tis = self.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances")["task_instances"]
        return {f"{t['task_id']}[{t['map_index']}]" if t["map_index"] >= 0 else t["task_id"]: t["state"] for t in tis}

    def stop(self) -> None:
        # The whole process group, not only `standalone`: its scheduler, stuck in its shutdown after
        # a TERM, outlived standalone's exit and ran on (with 32 LocalExecutor workers) after the
        # tests. Nothing here needs a graceful stop: 10 s, then KILL.
        group = self.proc.pid
        try:
            os.killpg(group, 15)
            self.proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        if not group_gone(group, timeout=10):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, 9)
            group_gone(group, timeout=10)
        self.log.close()
        admin(f"DROP DATABASE IF EXISTS {self.meta_db} WITH (FORCE)")


def group_gone(group: int, timeout: float) -> bool:
    """Waits until no live process of the group is left (zombies do not count: this VM's init may
    not reap them); False when some still run after `timeout` s."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not live_members(group):
            return True
        time.sleep(0.5)
    return False


def live_members(group: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # After the command's closing parenthesis: state, ppid, pgrp.
            state, _ppid, pgrp = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(pgrp) == group and state != "Z":
            members.append(int(entry.name))
    return members
