import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the block queued for after the commit (mails, tasks)
    at its end, as a real commit would."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block
