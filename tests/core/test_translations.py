"""The German catalogue is complete and current: every string of the code is translated."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import allmende

PACKAGE = Path(allmende.__file__).resolve().parent
CATALOGUE = PACKAGE / "locale" / "de" / "LC_MESSAGES" / "django.po"


def test_german_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert catalogue.percent_translated() == 100, untranslated
    assert not fuzzy


def test_german_catalogue_keeps_every_placeholder():
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.msgid_plural:
            for translated in entry.msgstr_plural.values():
                assert sorted(_placeholders(entry.msgid_plural)) == sorted(
                    _placeholders(translated)
                ) or sorted(_placeholders(entry.msgid)) == sorted(_placeholders(translated))
        else:
            assert sorted(_placeholders(entry.msgid)) == sorted(_placeholders(entry.msgstr)), (
                entry.msgid
            )


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"%\(\w+\)[sd]", text)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalogue_contains_every_string_of_the_code(tmp_path):
    copy = tmp_path / "allmende"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "data"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "de", "--no-obsolete", "-v", "0"],
        cwd=copy,
        check=True,
    )
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / CATALOGUE.relative_to(PACKAGE)))}
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(CATALOGUE))}
    missing = fresh - committed
    assert not missing, f"Run makemessages and translate: {sorted(m[1] for m in missing)}"


def test_catalogue_compiles_without_gnu_gettext(tmp_path, monkeypatch):
    import gettext
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "compile_messages", PACKAGE.parents[1] / "scripts" / "compile_messages.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    locale = tmp_path / "locale"
    shutil.copytree(PACKAGE / "locale", locale, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(module, "LOCALE", locale)

    module.main()

    translation = gettext.GNUTranslations((locale / "de/LC_MESSAGES/django.mo").open("rb"))
    assert translation.gettext("Networks") == "Netzwerke"
