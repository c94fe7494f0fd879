"""The fixed words of mlpath's domain: a resource's kind, a learner's status, what an id and a
resource number look like.

Kept apart from the logic so the CLI can offer them as choices without importing it.
"""

from __future__ import annotations

import re
from enum import Enum

# A stage or resource id: lower-case letters and digits, in words joined by single hyphens.
ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
ID_PATTERN = re.compile(rf"^{ID}$")
# A resource or stage id as stored: its roadmap's id, or name/id when another roadmap had it first
# (catalog.stored_id); a roadmap name has the shape of an id.
STORED_ID = rf"(?:{ID}/)?{ID}"
STORED_ID_PATTERN = re.compile(rf"^{STORED_ID}$")


GRADES = ("again", "hard", "good", "easy")  # a review's grade, 1-4, as in Anki and FSRS


def grade_name(grade: int) -> str:
    return GRADES[grade - 1]


def resource_number(stage_number: int, position: int) -> str:
    """The short number a learner can type for a resource: stage 2, fifth resource is `2.5`."""
    return f"{stage_number}.{position}"


def words(choices: type[Enum]) -> str:
    """An enumeration's values for a help text: "a, b or c"."""
    values = [str(member.value) for member in choices]
    return ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else "".join(values)


class Status(str, Enum):
    todo = "todo"
    doing = "doing"
    done = "done"
    skipped = "skipped"


# The statuses each command normally acts on: shell completion offers those resources first.
ACTS_ON: dict[str, tuple[Status, ...]] = {
    "done": (Status.todo, Status.doing),
    "start": (Status.todo,),
    "skip": (Status.todo, Status.doing),
    "log": (Status.todo, Status.doing),
    "review": (Status.done,),
}


class Kind(str, Enum):
    book = "book"
    course = "course"
    paper = "paper"
    video = "video"
    article = "article"
    tutorial = "tutorial"
    project = "project"
    podcast = "podcast"
    newsletter = "newsletter"
    person = "person"
    tool = "tool"
    dataset = "dataset"
    website = "website"


def plural(count: float, noun: str, nouns: str | None = None) -> str:
    """'1 resource', '2 resources', '1.5 hours': the count and its noun, in the right number."""
    return f"{amount(count)} {noun if count == 1 else nouns or noun + 's'}"


def amount(value: float) -> str:
    """A number as a learner reads it: '2', '1.5', '1.33' (hours stored as 1.3333 for 1h20m)."""
    return str(value) if isinstance(value, int) else f"{value:.2f}".rstrip("0").rstrip(".")
