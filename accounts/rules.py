"""The rules of Policy 4038 §III an account must meet, however it is proposed.

An application (``approvals``) and a direct establishment by the superintendent's office
(R-III-B) ask the same questions, and a concern report asks one of them too, so the
answers live here once. Each rule returns what is wrong in words fit to show beside the
field, naming its clause, or nothing; callers decide whether a finding blocks (an age
limit always does) or needs an explicit override (a protected name).
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError

from people.models import OrgUnit

from .models import OfficialAccount, Platform, ProtectedName
from .normalize import Normalized, normalize

# Words people shorten when they write a name into a handle ("RooseveltHS", "Anwatin MS",
# "St. Paul"). Each long form also matches written as any of its short forms.
ABBREVIATIONS = {
    "high school": ("hs", "high"),
    "middle school": ("ms", "middle"),
    "elementary school": ("es", "elementary", "elem"),
    "community school": ("cs", "community"),
    "public schools": ("ps", "publicschool", "schools"),
    "department": ("dept",),
    "athletics": ("athletic", "sports"),
    "saint": ("st",),
    "mount": ("mt",),
    "and": ("", "n"),
}
# A folded name shorter than this would match inside too many innocent handles.
MIN_KEY = 3


def fold(text: str) -> str:
    """Lower case, accents and everything but letters and digits dropped:
    "Roosevelt  High-School!" → "roosevelthighschool"."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", text.replace("&", "and"))


@lru_cache(maxsize=4096)
def name_keys(name: str) -> frozenset[str]:
    """Every folded spelling of a protected name, with its common abbreviations:
    "Roosevelt High School" → {"roosevelthighschool", "roosevelths", "roosevelthigh"}."""
    words = " ".join(re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKD", name).lower().replace("&", " and ")))
    spellings = {words}
    for long, shorts in ABBREVIATIONS.items():
        pattern = re.compile(rf"\b{long}\b")
        spellings |= {pattern.sub(short, spelling) for spelling in spellings for short in shorts}
    return frozenset(key for spelling in spellings if len(key := fold(spelling)) >= MIN_KEY)


@dataclass(frozen=True)
class NameMatch:
    name: ProtectedName
    text: str  # which of the texts it was found in

    @property
    def owner(self) -> OrgUnit:
        return self.name.owner

    def allowed_for(self, org_unit: OrgUnit | None) -> bool:
        """A name may be used by its owner and by every unit inside it (a school's teams
        and clubs carry the school's name)."""
        return org_unit is not None and org_unit.path.startswith(self.owner.path)

    def describe(self) -> str:
        return f"“{self.name.name}” belongs to {self.owner.name}"


class NameIndex:
    """Every spelling of the protected ``names``, indexed by its first ``PREFIX`` letters
    (a shorter spelling by all of it).

    Finding the names inside a folded text looks up each position of the text, instead
    of trying every spelling of every name: the nightly audit reads every account's
    handle and name, and a district protects each school's name, mascot and teams, so
    trying them all grows with accounts times names."""

    PREFIX = 8

    def __init__(self, names):
        self.by_prefix = defaultdict(list)
        for name in names:
            for key in name_keys(name.name):
                self.by_prefix[key[:self.PREFIX]].append((key, name))

    def __bool__(self) -> bool:
        return bool(self.by_prefix)

    def names_in(self, folded: str) -> list[ProtectedName]:
        """The names spelled somewhere in ``folded`` (a ``fold``-ed text), each once."""
        found = {}
        for start in range(len(folded) - MIN_KEY + 1):
            for length in range(MIN_KEY, min(self.PREFIX, len(folded) - start) + 1):
                for key, name in self.by_prefix.get(folded[start:start + length], ()):
                    if folded.startswith(key, start):
                        found.setdefault(name.pk, name)
        return list(found.values())


def protected_names_in(*texts: str) -> list[NameMatch]:
    """The protected names (§III.A) written into any of ``texts``, however spelled: the
    longest first, and of equals the one whose owner sits deepest in the tree. One query."""
    folded = [(text, fold(text)) for text in texts if text and fold(text)]
    if not folded:
        return []
    index = NameIndex(ProtectedName.objects.select_related("owner"))
    found = {}
    for text, key in folded:
        for name in index.names_in(key):
            found.setdefault(name.pk, NameMatch(name, text))
    return sorted(found.values(), key=lambda m: (-len(fold(m.name.name)), -len(m.owner.path), m.name.pk))


def name_conflicts(org_unit: OrgUnit | None, *texts: str) -> list[NameMatch]:
    """R-III-A: protected names in ``texts`` that belong to a unit other than
    ``org_unit`` or one above it. Using one needs the decider's override and reason."""
    return [match for match in protected_names_in(*texts) if not match.allowed_for(org_unit)]


def audience_age_problem(platform: Platform | None, youngest_age: int | None) -> str:
    """R-III-H (COPPA): an audience with children younger than the platform admits."""
    if platform is None or youngest_age is None or youngest_age >= platform.minimum_age:
        return ""
    return (
        f"{platform.name} admits users from age {platform.minimum_age}; an audience with children of "
        f"{youngest_age} cannot be served there (Policy 4038 §III.H, COPPA). Choose a district-approved "
        "platform or an older audience."
    )


# Characters that change the direction of the text around them: the embeddings, overrides
# and isolates, and the marks (Arabic letter, left-to-right, right-to-left).
_DIRECTION_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters nobody sees, by Unicode category: format characters (zero-width spaces and
# joiners, the word joiner, the byte order mark, the soft hyphen, …), control characters,
# line and paragraph separators.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zl", "Zp"})
REVERSES_TEXT = ("Remove the hidden character that reverses the direction of the text: it makes a name show "
                 "differently from what it is (Policy 4038 §III.A). Typing the name again by hand removes it.")
INVISIBLE_CHARACTER = ("Remove the invisible character, such as a zero-width space or a soft hyphen: it can make a "
                       "name look like another account's (Policy 4038 §III.A). Typing the name again by hand "
                       "removes it.")


def hidden_character_problems(text: str) -> list[str]:
    """R-III-A: why ``text`` cannot be an official account's name or handle because of
    characters nobody sees: one that reverses the direction of the text (the right-to-left
    override shows a name backwards, in the directory and the embed too), or an invisible
    one that makes a name look like another's while it reads otherwise. Empty when it has
    neither. Every form and service that takes a handle or a display name asks this."""
    problems = []
    if any(character in _DIRECTION_CONTROLS for character in text or ""):
        problems.append(REVERSES_TEXT)
    if any(character not in _DIRECTION_CONTROLS and unicodedata.category(character) in _INVISIBLE_CATEGORIES
           for character in text or ""):
        problems.append(INVISIBLE_CHARACTER)
    return problems


def hidden_character_errors(**texts: str) -> dict[str, list[str]]:
    """``hidden_character_problems`` of each named text, as a service's refusal gives them:
    field → messages, only the fields with a problem."""
    return {field: problems for field, text in texts.items() if (problems := hidden_character_problems(text))}


def refuse_hidden_characters(value: str) -> None:
    """``hidden_character_problems`` as a form field's validator: its messages beside the field."""
    if problems := hidden_character_problems(value):
        raise ValidationError(problems, code="hidden_character")


def read_handle(platform: Platform | None, text: str) -> tuple[Normalized | None, str]:
    """The handle or profile address ``text`` read for ``platform``, or why it cannot be:
    not an address of that platform, or already a live official account (R-III-A)."""
    if platform is None or not (text or "").strip():
        return None, ""
    found = normalize(text, platform=platform)
    if found is None:
        return None, f"That is not a {platform.name} handle or profile address."
    if OfficialAccount.objects.live().filter(platform=platform, handle_key=found.key).exists():
        return found, f"@{found.handle} is already registered on {platform.name} as an official account."
    return found, ""
