"""The translation catalogues are complete and compiled: Indonesian first, English second."""
import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "awards" / "locale"


def po_entries(path):
    """(msgid, msgstr, flags) of every entry of a .po file; plural entries give their first form."""
    entries, current, field, flags = [], None, None, ""

    def finish():
        if current is not None and current["msgid"]:
            entries.append((current["msgid"], current["msgstr"], current["flags"]))

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#,"):
            flags = line
        elif line.startswith("msgid "):
            finish()
            current, field = {"msgid": "", "msgstr": "", "flags": flags}, "msgid"
            flags = ""
            current["msgid"] = eval(line[6:])  # noqa: S307 - a .po string literal
        elif line.startswith("msgid_plural"):
            field = None
        elif line.startswith("msgstr[0] ") or line.startswith("msgstr "):
            field = "msgstr"
            current["msgstr"] = eval(line.split(" ", 1)[1])  # noqa: S307
        elif line.startswith("msgstr["):
            field = None
        elif line.startswith('"') and current is not None and field:
            current[field] += eval(line)  # noqa: S307
    finish()
    return entries


@pytest.mark.parametrize("language", ["id", "en"])
def test_catalogue_is_complete_and_compiled(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    entries = po_entries(po)
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstr, _flags in entries if not msgstr]
    fuzzy = [msgid for msgid, _msgstr, flags in entries if "fuzzy" in flags]
    assert untranslated == []
    assert fuzzy == []
    with open(po.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [msgid for msgid, msgstr, _flags in entries if "\n" not in msgid and compiled.gettext(msgid) != msgstr]
    assert stale == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_source_string_is_in_the_catalogue(tmp_path):
    """makemessages over the source finds no msgid that the Indonesian catalogue lacks."""
    work = tmp_path / "awards" / "locale"
    shutil.copytree(LOCALE, work)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id", "--no-location", "--ignore=.venv",
         "--ignore=tests", "--ignore=awards/locale", "--no-obsolete"],
        cwd=ROOT, check=True, capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "paritrana.settings.development",
             "PARITRANA_LOCALE_DIR": str(work)},
    )
    fresh = {msgid for msgid, _s, _f in po_entries(work / "id" / "LC_MESSAGES" / "django.po")}
    committed = {msgid for msgid, _s, _f in po_entries(LOCALE / "id" / "LC_MESSAGES" / "django.po")}
    assert sorted(fresh - committed) == []
