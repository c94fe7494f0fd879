"""The fixed words of mlpath's domain: a resource's kind and a learner's status.

Kept apart from the logic so the CLI can offer them as choices without importing it.
"""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    todo = "todo"
    doing = "doing"
    done = "done"
    skipped = "skipped"


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
