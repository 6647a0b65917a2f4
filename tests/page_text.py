"""What a reader sees on a page, and what on it is not Indonesian: an English phrase of the catalogue, a string
the catalogue lacks, or a raw code ("assignment_submit", "None", an ISO timestamp, "Provinsi 18").

Used by the page walk (tests/committee/test_indonesian_pages.py) and by page tests that check one page."""
import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from django.utils import translation
from django.utils.translation import trans_real

from awards.audit_labels import ACTION_LABELS
from awards.models import (
    Aggregation,
    AssignmentStatus,
    BusinessSize,
    CriterionKind,
    Eligibility,
    MetricUnit,
    NomineeKind,
    Role,
    RoundLevel,
    Rule,
    Sector,
    StageKind,
    StageStatus,
)
from awards.tables import FLAG_LABELS
from tests.foundation.test_translations import po_entries

PO = Path(__file__).resolve().parents[1] / "awards" / "locale" / "id" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[^}]*\}")
ENUMS = (Rule, StageKind, StageStatus, RoundLevel, NomineeKind, Role, MetricUnit, CriterionKind, Eligibility,
         AssignmentStatus, Aggregation, BusinessSize, Sector)


@lru_cache(maxsize=1)
def codes():
    """(codes with an underscore, offenders wherever they stand; codes without one, offenders when they are
    all a cell or a label says — "target" alone, not "target cakupan" — unless Indonesian calls it the same)."""
    snake = set(ACTION_LABELS) | {code for code in FLAG_LABELS if "_" in code}
    alone = {code for code in FLAG_LABELS if "_" not in code}
    with translation.override("id"):
        for enum in ENUMS:
            for value, label in enum.choices:
                value = str(value)
                if "_" in value:
                    snake.add(value)
                elif str(label).casefold() != value.casefold():
                    alone.add(value)
    return sorted(snake), alone


@lru_cache(maxsize=1)
def raw_patterns():
    snake, _alone = codes()
    return [
        re.compile(r"(?<![\w./-])(?:" + "|".join(map(re.escape, snake)) + r")(?![\w/-])"),
        re.compile(r"\bNone\b"),
        re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"),
        re.compile(r"\bProvinsi \d+\b"),
        re.compile(r"\b(?:awards|auth)\.[a-z]+\b"),
    ]


class VisibleText(HTMLParser):
    """The text a reader sees or hears, piece by piece: text outside script/style, plus title, aria-label,
    placeholder and alt, and the captions of buttons given as inputs. Content marked as in another language
    than the page's (lang="en" on an Indonesian page: a category's English name beside its Indonesian one) is
    left out."""

    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces, self.links, self._skipped, self.language = [], [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "html":
            self.language = (attrs.get("lang") or "id").split("-")[0]
        other_language = (attrs.get("lang") or self.language or "id").split("-")[0] != (self.language or "id")
        if tag not in self.VOID:
            self._skipped.append((tag, tag in ("script", "style", "template") or other_language))
        if self._hidden() or other_language:
            return
        self.pieces += [attrs[name] for name in self.ATTRIBUTES if attrs.get(name)]
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.pieces.append(attrs["value"])

    def handle_endtag(self, tag):
        # Up to the element it closes: elements whose end tag HTML lets one leave out (<p>, <li>) end with it.
        if any(open_tag == tag for open_tag, _skip in self._skipped):
            while self._skipped.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if not self._hidden() and data.strip():
            self.pieces.append(" ".join(data.split()))

    def _hidden(self):
        return any(skip for _tag, skip in self._skipped)


def page_text(html):
    parser = VisibleText()
    parser.feed(html)
    return parser


def fragments(msgid):
    """The literal parts of a msgid around its placeholders, as phrases that might stand on a page."""
    return [part.strip(" .,:;·()—-→…?!\"'") for part in PLACEHOLDER.split(msgid)]


@lru_cache(maxsize=1)
def english_pattern():
    """English msgids (or their literal parts) whose Indonesian differs and that are not Indonesian too.

    A phrase counts when it has two words or more than six letters and does not occur in any Indonesian
    translation of the catalogue (so "Status", "Target", "Email" or a name in both languages never count)."""
    entries = [(msgid, msgstr) for msgid, msgstr, _flags in po_entries(PO) if "\n" not in msgid]
    indonesian = " ".join(msgstr for _msgid, msgstr in entries).lower()
    indonesian_words = set(re.findall(r"\w+", indonesian))
    phrases = set()
    for msgid, msgstr in entries:
        if not msgstr or msgstr == msgid:
            continue
        for part in fragments(msgid):
            words = re.findall(r"[A-Za-z]+", part)
            if not words or (len(words) == 1 and (len(words[0]) <= 6 or words[0].lower() in indonesian_words)):
                continue
            if len(words) > 1 and re.search(r"(?<!\w)" + re.escape(part.lower()) + r"(?!\w)", indonesian):
                continue
            phrases.add(part)
    phrases = sorted(phrases, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, phrases)) + r")(?!\w)", re.IGNORECASE)


def offenders(pieces, missing=()):
    """What in the page's pieces of text is not Indonesian; `missing` are msgids the catalogue lacks that were
    looked up while the page was made (see `record_missing_msgids`)."""
    found = []
    text = "\n".join(pieces)
    found += [f"English: {match.group(0)!r}" for match in english_pattern().finditer(text)]
    for msgid in missing:
        for part in fragments(msgid):
            if re.search(r"[A-Za-z]{3}", part) and re.search(r"(?<!\w)" + re.escape(part) + r"(?!\w)", text):
                found.append(f"not in the catalogue: {part!r}")
    found += [f"code: {match.group(0)!r}" for pattern in raw_patterns() for match in pattern.finditer(text)]
    found += [f"code: {piece!r}" for piece in pieces if piece in codes()[1]]
    return sorted(set(found))


def record_missing_msgids(monkeypatch):
    """Record the msgids looked up in Indonesian that neither the project's nor Django's Indonesian catalogue
    has: they reach the page in English until someone translates them. Returns the set it fills."""
    missing = set()
    indonesian = trans_real.translation("id")
    known = set(indonesian._catalog.keys())
    translated = {value for _key, value in indonesian._catalog.items() if isinstance(value, str)}
    gettext, ngettext = indonesian.gettext, indonesian.ngettext

    def recording_gettext(message):
        if message not in known and message not in translated:  # a translation looked up again is no miss
            missing.add(message.split("\x04")[-1])
        return gettext(message)

    def recording_ngettext(singular, plural, number):
        if (singular, 0) not in known:
            missing.update((singular, plural))
        return ngettext(singular, plural, number)

    monkeypatch.setattr(indonesian, "gettext", recording_gettext)
    monkeypatch.setattr(indonesian, "ngettext", recording_ngettext)
    return missing
