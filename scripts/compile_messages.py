"""Compile the German catalogue (``django.po`` → ``django.mo``) without GNU gettext.

``make messages`` uses Django's ``compilemessages`` (GNU msgfmt) when it is installed and this
script otherwise, so that ``make demo`` works on a machine without gettext.
"""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "src/allmende/locale"


def main() -> None:
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"compiled {po_path.relative_to(LOCALE)}")


if __name__ == "__main__":
    main()
