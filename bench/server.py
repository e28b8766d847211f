"""Serve Homeward with gunicorn on a free loopback port for the benchmark's --http mode."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Response:
    def __init__(self, status_code: int):
        self.status_code = status_code


class HttpClient:
    """GET over one keep-alive connection, with the signed-in session's cookie."""

    def __init__(self, port: int, session_key: str):
        self.port = port
        self.headers = {"Cookie": f"sessionid={session_key}", "Host": "127.0.0.1"}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, url: str) -> Response:
        try:
            return self._get(url)
        except (http.client.RemoteDisconnected, ConnectionError):
            self.connection.close()  # the server closed an idle connection: open a new one
            return self._get(url)

    def _get(self, url: str) -> Response:
        self.connection.request("GET", url, headers=self.headers)
        response = self.connection.getresponse()
        response.read()
        return Response(response.status)


class Server:
    """gunicorn (one worker, one thread: requests are timed one at a time) on 127.0.0.1."""

    def __init__(self):
        self.port = _free_port()
        self.process = None

    def __enter__(self) -> "Server":
        env = {
            **os.environ,
            "HOMEWARD_BENCH": "1",
            "HOMEWARD_DEBUG": "0",
            "HOMEWARD_ALLOWED_HOSTS": "127.0.0.1",
        }
        command = [
            str(Path(sys.executable).with_name("gunicorn")), "config.wsgi",
            "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
            "--worker-class", "gthread", "--threads", "1", "--keep-alive", "30",
            "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=env)
        self._wait_until_listening()
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def client_for(self, session_key: str) -> HttpClient:
        return HttpClient(self.port, session_key)

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn exited before serving")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        self.process.terminate()
        raise SystemExit("gunicorn did not start listening in time")
