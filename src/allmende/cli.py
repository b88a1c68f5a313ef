"""The ``allmende`` command: demo, serve, worker, migrate, loaddemo, createadmin, and every
Django management command behind them."""

import os
import subprocess
import sys
from collections.abc import Sequence

USAGE = """usage: allmende <command> [options]

  demo         migrate, load the demo data, print the demo logins, serve on
               http://127.0.0.1:8000 with a task worker beside it
  serve        run the web server (gunicorn); --bind HOST:PORT, --workers N
  worker       run the task worker of TASK_BACKEND (database queue, or RQ on Redis)
  migrate      apply database migrations
  loaddemo     load (or refresh) the demo data
  createadmin  create an administrator account
  generate     synthetic properties and space needs (--properties N --needs M --seed S)
  match        optimal assignment of a region (--region network:…|state:…|district:…)
  verify-audit check the hash chains of the procedures' audit trails
  <other>      any Django management command, e.g. check, shell, compilemessages
"""


ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def _django(argv: Sequence[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["allmende", *argv])


def _option(argv: list[str], name: str, default: str) -> str:
    if name in argv:
        index = argv.index(name)
        if index + 1 < len(argv):
            return argv[index + 1]
    return default


def serve(argv: list[str]) -> int:
    bind = _option(argv, "--bind", os.environ.get("ALLMENDE_BIND", "127.0.0.1:8000"))
    workers = _option(argv, "--workers", os.environ.get("WEB_CONCURRENCY", "2"))
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "allmende.wsgi:application",
        "--bind",
        bind,
        "--workers",
        workers,
        "--access-logfile",
        "-",
        # Without the client's address and without query strings: the election check carries
        # a voter's answers in the query string, and the log must not keep them.
        "--access-logformat",
        ACCESS_LOG_FORMAT,
    ]
    return subprocess.call(command)  # noqa: S603 - fixed argv, no shell


def worker_command(backend: str) -> list[str] | None:
    """The management command that works off the queue of ``backend`` (the ``TASK_BACKEND``
    setting), or None when tasks run inline and need no worker."""
    if backend == "immediate":
        return None
    if backend == "rq":
        return ["rqworker", "default", "--job-class", "django_tasks_rq.backend.Job"]
    return ["db_worker"]


def worker(argv: list[str]) -> int:
    command = worker_command(os.environ.get("TASK_BACKEND", "database"))
    if command is None:
        print("TASK_BACKEND=immediate runs tasks inline: no worker needed.", flush=True)
        return 0
    _django([*command, *argv])
    return 0


def demo(argv: list[str]) -> int:
    os.makedirs(os.environ.get("ALLMENDE_DATA_DIR", "var"), exist_ok=True)
    _django(["migrate", "--no-input", "-v", "0"])
    _django(["loaddemo"])
    worker_process = None
    if worker_command(os.environ.get("TASK_BACKEND", "database")) is not None:
        worker_process = subprocess.Popen([sys.executable, "-m", "allmende.cli", "worker"])
    try:
        print("Allmende läuft auf http://127.0.0.1:8000 – beenden mit Strg+C.", flush=True)
        return serve(argv)
    except KeyboardInterrupt:
        return 0
    finally:
        if worker_process is not None:
            worker_process.terminate()
            worker_process.wait(timeout=10)


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allmende.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    command, rest = args[0], args[1:]
    if command == "demo":
        return demo(rest)
    if command == "serve":
        return serve(rest)
    if command == "worker":
        return worker(rest)
    # Our own commands are spelled with hyphens on the command line (verify-audit); Django's
    # command modules use underscores.
    _django([command.replace("-", "_") if "-" in command else command, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
