"""Add or update German translations in the catalogue from a JSON object {msgid: msgstr}.

    .venv/bin/python scripts/po_add.py translations.json

Several people (or helpers) may run it at once: the catalogue is locked while it is rewritten,
and the compiled ``.mo`` is rebuilt afterwards. ``makemessages`` later fills in the source
references; plural entries take {"msgid": ..., "msgid_plural": ..., "msgstr": [one, many]}.
"""

import fcntl
import json
import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[1] / "src/allmende/locale/de/LC_MESSAGES/django.po"


def main(path: str) -> None:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    items = data if isinstance(data, list) else [{"msgid": k, "msgstr": v} for k, v in data.items()]
    with open(CATALOGUE.with_suffix(".po.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        catalogue = polib.pofile(str(CATALOGUE))
        for item in items:
            entry = catalogue.find(item["msgid"], msgctxt=item.get("msgctxt") or False)
            if entry is None:
                entry = polib.POEntry(msgid=item["msgid"], msgctxt=item.get("msgctxt"))
                catalogue.append(entry)
            if item.get("msgid_plural"):
                entry.msgid_plural = item["msgid_plural"]
                entry.msgstr_plural = dict(enumerate(item["msgstr"]))
            else:
                entry.msgstr = item["msgstr"]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        catalogue.save()
        catalogue.save_as_mofile(str(CATALOGUE.with_suffix(".mo")))
    print(f"{len(items)} translations merged into {CATALOGUE.name}")


if __name__ == "__main__":
    main(sys.argv[1])
