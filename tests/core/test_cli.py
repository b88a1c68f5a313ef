"""The ``allmende`` command line and the demo data it loads."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from allmende import cli
from allmende.accounts.models import User
from allmende.networks import demo
from allmende.networks.models import (
    Coordinator,
    Membership,
    MembershipApplication,
    Network,
    Organisation,
    OrganisationRole,
    WorkingGroup,
)
from tests.procedures import conftest as procedure_fixtures


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Organisation,
            Network,
            Membership,
            User,
            Coordinator,
            OrganisationRole,
            WorkingGroup,
            MembershipApplication,
        )
    }


@pytest.fixture
def no_facts_override(monkeypatch):
    monkeypatch.delenv("ALLMENDE_FACTS", raising=False)


@pytest.fixture
def demo_loaded(db, no_facts_override, capsys):
    call_command("loaddemo")
    return capsys.readouterr().out


def test_demo_facts_are_found_next_to_the_repository_by_default(no_facts_override):
    expected = Path(settings.PROJECT_DIR).parent / "shared" / "seed-data" / "facts.json"

    assert demo.facts_path() == expected
    assert demo.facts_path().is_file()
    assert demo.load_facts()["networks"]


def test_loaddemo_without_facts_file_fails_with_a_helpful_message(db, monkeypatch, tmp_path):
    monkeypatch.setenv("ALLMENDE_FACTS", str(tmp_path / "missing.json"))

    with pytest.raises(CommandError, match="ALLMENDE_FACTS"):
        call_command("loaddemo")

    assert not Network.objects.exists()


def test_loaddemo_creates_the_three_networks_with_members(demo_loaded):
    networks = {n.slug: n for n in Network.objects.all()}

    assert set(networks) == {"immovielien", "starke-orte", "gemeinsam-fuer-das-quartier"}
    for network in networks.values():
        assert network.memberships.exists()
        assert network.coordination_office is not None
    assert Organisation.objects.count() >= 30


def test_loaddemo_twice_changes_no_counts(demo_loaded):
    first = _counts()

    call_command("loaddemo")

    assert _counts() == first
    assert all(first.values())


def test_loaddemo_prints_the_five_demo_logins(demo_loaded):
    for email, _name, _role in demo.DEMO_PEOPLE:
        assert email in demo_loaded
    assert demo.DEMO_PASSWORD in demo_loaded


def test_every_demo_login_can_log_in(demo_loaded, client):
    assert len(demo.DEMO_PEOPLE) == 5
    for email, name, role in demo.DEMO_PEOPLE:
        assert client.login(username=email, password="allmende-demo"), email
        client.logout()

        user = User.objects.get(email=email)
        assert user.name == name
        assert user.is_superuser == (role == "admin")


def test_demo_roles_are_in_place(demo_loaded):
    coordinator = User.objects.get(email="koordination@demo.allmende.example")
    municipality = User.objects.get(email="kommune@demo.allmende.example")

    assert Coordinator.objects.filter(user=coordinator).count() == 3
    assert municipality.organisation_roles.get().organisation.name == "Stadt Angermünde"


def test_every_demo_organisation_has_coordinates_in_germany(demo_loaded):
    organisations = list(Organisation.objects.all())

    missing = [o.name for o in organisations if o.lat is None or o.lon is None]
    assert missing == []
    outside = [o.name for o in organisations if not (47 < o.lat < 56 and 5 < o.lon < 16)]
    assert outside == []


def test_demo_municipalities_get_population_and_official_key(demo_loaded):
    angermuende = Organisation.objects.get(name="Stadt Angermünde")

    assert angermuende.state == "Brandenburg"
    assert angermuende.population
    assert angermuende.contact_role == "Bürgermeisteramt"


def test_cli_help_prints_the_usage(capsys):
    assert cli.main(["help"]) == 0

    out = capsys.readouterr().out
    assert out.startswith("usage: allmende <command>")
    for command in ("demo", "serve", "worker", "migrate", "loaddemo", "createadmin"):
        assert f"  {command} " in out


@pytest.mark.parametrize("argv", [[], ["-h"], ["--help"]])
def test_cli_without_command_or_with_help_flag_prints_the_usage(capsys, argv):
    assert cli.main(argv) == 0

    assert "usage: allmende" in capsys.readouterr().out


def test_cli_help_works_as_a_program():
    result = subprocess.run(
        [sys.executable, "-m", "allmende.cli", "help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: allmende <command>")


def test_cli_passes_other_commands_to_django(monkeypatch):
    # In-process Django commands close the database connections when they end, which would
    # break the test transaction; so the hand-over itself is checked here.
    calls = []
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: calls.append(argv)
    )

    assert cli.main(["loaddemo"]) == 0
    assert cli.main(["check", "--deploy"]) == 0

    assert calls == [["allmende", "loaddemo"], ["allmende", "check", "--deploy"]]


def test_cli_serve_runs_gunicorn_with_bind_and_workers(monkeypatch):
    calls = []
    monkeypatch.setattr(cli.subprocess, "call", lambda command: calls.append(command) or 0)

    assert cli.main(["serve", "--bind", "0.0.0.0:9000", "--workers", "4"]) == 0

    [command] = calls
    assert command[1:4] == ["-m", "gunicorn", "allmende.wsgi:application"]
    assert command[command.index("--bind") + 1] == "0.0.0.0:9000"
    assert command[command.index("--workers") + 1] == "4"
    # The access log keeps neither addresses nor query strings (answers of the election check).
    log_format = command[command.index("--access-logformat") + 1]
    assert "%(U)s" in log_format
    for leaky in ("%(h)s", "%(q)s", "%(r)s", "%({x-forwarded-for}i)s"):
        assert leaky not in log_format


@pytest.mark.parametrize(
    ("backend", "expected"),
    [
        ("database", ["db_worker"]),
        ("rq", ["rqworker", "default", "--job-class", "django_tasks_rq.backend.Job"]),
        ("immediate", None),
    ],
)
def test_worker_command_follows_the_task_backend(backend, expected):
    assert cli.worker_command(backend) == expected


def test_cli_worker_runs_the_queue_worker_of_the_task_backend(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: calls.append(argv)
    )
    monkeypatch.setenv("TASK_BACKEND", "database")
    assert cli.main(["worker", "--batch"]) == 0
    monkeypatch.setenv("TASK_BACKEND", "immediate")
    assert cli.main(["worker"]) == 0

    assert calls == [["allmende", "db_worker", "--batch"]]


class _FakeWorker:
    def __init__(self, events):
        self.events = events

    def terminate(self):
        self.events.append("worker terminated")

    def wait(self, timeout):
        self.events.append("worker ended")


@pytest.mark.parametrize(("backend", "with_worker"), [("database", True), ("immediate", False)])
def test_cli_demo_migrates_loads_starts_the_worker_serves_and_stops_the_worker(
    monkeypatch, tmp_path, backend, with_worker
):
    events = []
    monkeypatch.setenv("ALLMENDE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TASK_BACKEND", backend)
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line",
        lambda argv: events.append(" ".join(argv[1:2])),
    )

    def start_worker(command):
        events.append("worker started: " + " ".join(command[1:]))
        return _FakeWorker(events)

    monkeypatch.setattr(cli.subprocess, "Popen", start_worker)
    monkeypatch.setattr(cli.subprocess, "call", lambda command: events.append("serve") or 0)

    assert cli.main(["demo"]) == 0

    worker = ["worker started: -m allmende.cli worker"] if with_worker else []
    stopped = ["worker terminated", "worker ended"] if with_worker else []
    assert events == ["migrate", "loaddemo", *worker, "serve", *stopped]
    assert (tmp_path / "data").is_dir()


# The procedure world of tests/procedures/ (its conftest is not visible from here).
proc = procedure_fixtures.proc


def test_cli_verify_audit_spelled_with_a_hyphen_checks_the_chains(proc, capsys):
    from allmende.procedures.audit import audit_append

    audit_append(procedure=proc.procedure, action="create", actor=proc.manager)

    # The command closes the database connections when it ends: no queries after it.
    assert cli.main(["verify-audit", "--procedure", str(proc.procedure.pk)]) == 0

    out = capsys.readouterr().out
    assert f"{proc.procedure.pk} „{proc.procedure.title}“: OK (1" in out


def test_cli_verify_audit_spelled_with_a_hyphen_fails_on_a_broken_chain(proc, capsys):
    from allmende.procedures.audit import audit_append
    from allmende.procedures.models import AuditEntry

    audit_append(procedure=proc.procedure, action="create", actor=proc.manager)
    AuditEntry.objects.filter(procedure=proc.procedure).update(action="publish")

    with pytest.raises(SystemExit) as info:
        cli.main(["verify-audit"])

    assert info.value.code == 1
    assert f"{proc.procedure.pk}" in capsys.readouterr().out
