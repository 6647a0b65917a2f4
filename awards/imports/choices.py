"""The words a committee writes in a file for a choice — a nominee kind, a business size, a sector, a
stage: the code (`finance`), or the name the pages show in Indonesian or English (`Keuangan`,
`perdagangan & jasa`, `Pemerintah Kabupaten/Kota`), in any case and spacing, with `&`, `dan` and `and`
alike. Errors list the accepted names with their codes."""
import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from ..models import BusinessSize, NomineeKind, Sector, StageKind

_AND = re.compile(r"\s*&\s*|\band\b")
_SPACES = re.compile(r"[\s,]+")
_SLASH = re.compile(r"\s*/\s*")


def normalise(text):
    """The form two spellings of one name share: case folded, `&`/`and` as `dan`, commas and runs of
    spaces as one space, no space around a slash."""
    text = _AND.sub(" dan ", text.casefold())
    return _SLASH.sub("/", _SPACES.sub(" ", text)).strip()


class ChoiceWords:
    """Reads one kind of choice (a TextChoices) from the words of one file: make one per file read. A
    cell's text is normalised once per distinct text (a national file repeats a handful of values
    hundreds of thousands of times)."""

    def __init__(self, choices):
        self.choices = choices
        self.words = {}
        for code, label in choices.choices:
            self.words[normalise(code)] = code
            self.words[normalise(code.replace("_", " "))] = code
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    self.words[normalise(str(label))] = code
        self._seen = {}

    def code(self, text):
        """The code `text` names, "" for an empty cell, or None if it names none."""
        try:
            return self._seen[text]
        except KeyError:
            found = self._seen[text] = "" if not text.strip() else self.words.get(normalise(text))
            return found

    def accepted(self):
        """The accepted values for an error message, in the reader's language: `Keuangan (finance), …`."""
        return ", ".join(f"{label} ({code})" for code, label in self.choices.choices)

    def unknown(self, text):
        return _("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": self.accepted()}



NATIONAL_WORDS = {"national", "nasional", "babak nasional", "national round"}


def round_key(text):
    """A round as a file names it: "national" (or "nasional", any case) or a province code."""
    text = text.strip()
    return "national" if normalise(text) in NATIONAL_WORDS else text


def nominee_words():
    """(kinds, sizes, sectors) readers for one file."""
    return ChoiceWords(NomineeKind), ChoiceWords(BusinessSize), ChoiceWords(Sector)


def stage_words():
    return ChoiceWords(StageKind)
