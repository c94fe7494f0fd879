"""The two interactive screens: the study timer (`mlpath study`) and the review session.

This is the only module that reads single keys from the terminal (cbreak mode through termios,
restored on the way out whatever happens). What the screens look like is render.py's job; what
is stored is the store's; the arithmetic is in timer.py, spaced.py and reviewing.py.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, tzinfo
from typing import NamedTuple

from mlpath import clock, habits, render, reviewing, timer
from mlpath.errors import TimerProblem, UsageProblem
from mlpath.habits import Session
from mlpath.progress import Item, Status
from mlpath.reviewing import Answered
from mlpath.store import Store
from mlpath.timer import Timer

TICK_SECONDS = 0.25  # how often the timer redraws and looks for a key
CHECK_TICKS = 8  # how many ticks between checks that the timer was not stopped from elsewhere
STOP_KEYS = ("q", "Q", "\r", "\n", "\x03")


def on_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


class _Keys:
    """Single key presses from the terminal, without echo and without waiting for Enter."""

    def __init__(self) -> None:
        self.fd = sys.stdin.fileno()

    def read(self, timeout: float | None) -> str | None:
        """The key pressed, "" for one to ignore (arrows and such), None when none came in time."""
        import select

        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        data = os.read(self.fd, 32)
        if not data:  # the terminal went away
            return "q"
        return "" if data.startswith(b"\x1b") else data[:1].decode("utf-8", "replace")


@contextmanager
def _keys() -> Iterator[_Keys]:
    import termios
    import tty

    keys = _Keys()
    saved = termios.tcgetattr(keys.fd)
    try:
        tty.setcbreak(keys.fd)  # Ctrl-C still interrupts
        yield keys
    finally:
        termios.tcsetattr(keys.fd, termios.TCSADRAIN, saved)


def _ask(prompt: str) -> str | None:
    """A line typed by the learner; None when they press Ctrl-C or Ctrl-D instead."""
    try:
        return input(prompt)
    except (KeyboardInterrupt, EOFError):
        sys.stdout.write("\n")
        return None


# ------------------------------------------------------------------ the study timer


class Stopped(NamedTuple):
    """What stopping a timer did."""

    item: Item
    minutes: int  # whole minutes studied
    session: Session | None  # None: under a minute, nothing logged
    day_total: float  # hours logged that day, this session included
    how: str  # "stopped", "finished" (a countdown ran out), "elsewhere" (stopped from another terminal)


def study(store: Store, query: str, minutes: int | None) -> Stopped:
    """`mlpath study ID`: start a timer, show it live until a stop key, then log it."""
    item = store.find([query])[0]
    running = store.running_timer()
    if running is not None:
        raise _already(running)
    if not on_terminal():
        raise UsageProblem("mlpath study needs a terminal to show its timer",
                           hint=f"record time afterwards instead: mlpath log {item.id} HOURS")
    started = Timer(item.record_id, clock.stamp(clock.now()), minutes, os.getpid(), timer.host())
    running = store.start_timer(started)
    if running is not None:  # another terminal started one a moment ago
        raise _already(running)
    tz = clock.zone()
    how = _show(store, item, started, tz)
    if how == "elsewhere":
        return Stopped(item, 0, None, 0.0, how)
    studied = timer.minutes_to_log(started, clock.now())
    return _end(store, item, started, studied, how, tz, ask_note=True)


def _already(running: Timer) -> TimerProblem:
    return TimerProblem(f"a study timer is already running for {running.resource_id} (started "
                        f"{render.local_time(running.started_at, clock.zone())})",
                        hint="stop it first: mlpath study --stop")


def _show(store: Store, item: Item, started: Timer, tz: tzinfo) -> str:
    """The live screen, until a stop key, Ctrl-C, the end of a countdown or a stop from elsewhere."""
    today = clock.today(tz)
    before = timer.totals(store.sessions(since_day=habits.week_start(today).isoformat()), today, store.goal())

    def screen(now: datetime) -> list[render.Line]:
        return render.study_screen(item, started, now, before)

    ticks = 0
    try:
        with _keys() as keys, render.live_screen(screen(clock.now())) as update:
            while True:
                key = keys.read(TICK_SECONDS)
                now = clock.now()
                update(screen(now))
                if key in STOP_KEYS:
                    return "stopped"
                if timer.remaining(started, now) == timer.ZERO:
                    render.bell()
                    return "finished"
                ticks += 1
                if ticks % CHECK_TICKS == 0:
                    store.db.refresh()  # another terminal's `study --stop` is only seen in a new snapshot
                    if store.running_timer() != started:
                        return "elsewhere"
    except KeyboardInterrupt:
        return "stopped"


def _end(store: Store, item: Item, running: Timer, minutes: int, how: str, tz: tzinfo, ask_note: bool) -> Stopped:
    """Log a stopped timer's whole minutes (nothing under one), with an optional note."""
    if minutes < 1:
        store.stop_timer(running, None, start=False)
        return Stopped(item, 0, None, 0.0, how)
    note = None
    if ask_note and on_terminal():
        note = (_ask(render.NOTE_PROMPT) or "").strip() or None
    session = timer.session(running, minutes, clock.stamp(clock.now()), tz, note)
    total = store.stop_timer(running, session, start=item.status is Status.todo)  # checks hours per day
    if total is None:
        raise TimerProblem(f"the timer for {item.id} was stopped from another terminal meanwhile; nothing was "
                           "logged twice")
    return Stopped(item, minutes, session, total, how)


def stop(store: Store, minutes: int | None) -> Stopped:
    """`mlpath study --stop`: log the running timer from any terminal, offering to trim a long one."""
    running = store.running_timer()
    if running is None:
        raise TimerProblem("no study timer is running", hint="start one with: mlpath study ID")
    item = store.find([running.resource_id], include_retired=True)[0]
    ran = timer.minutes_to_log(running, clock.now())
    if minutes is not None:
        if minutes > ran:
            raise UsageProblem(f"--minutes {minutes} is more than the timer ran ({timer.duration(ran)})",
                               hint=f"at most --minutes {ran}")
        chosen = minutes
    elif timer.too_long(ran):
        chosen = _trim(running, ran)
    else:
        chosen = ran
    return _end(store, item, running, chosen, "stopped", clock.zone(), ask_note=minutes is None)


def _trim(running: Timer, ran: int) -> int:
    """Ask how much of a timer that ran past TRIM_AFTER_HOURS to log (all of it by default)."""
    since = render.local_time(running.started_at, clock.zone())
    if not on_terminal():
        raise UsageProblem(f"the timer for {running.resource_id} ran {timer.duration(ran)} (since {since}), more "
                           f"than {timer.TRIM_AFTER_HOURS} hours", hint="say how much to log: "
                           "mlpath study --stop --minutes 90")
    while True:
        answer = _ask(render.trim_prompt(running, ran, since))
        if answer is None:
            raise TimerProblem("nothing logged; the timer is still running", hint="mlpath study --stop")
        chosen = timer.parse_minutes(answer, ran)
        if chosen is not None:
            return chosen


def left_running(store: Store) -> None:
    """One line on stderr when a timer was left behind by a closed terminal (every command says it)."""
    running = store.running_timer()
    if running is not None and not timer.alive(running):
        render.timer_left_running(running, clock.now(), clock.zone())


# ------------------------------------------------------------------ the review session


class Summary(NamedTuple):
    answered: list[Answered]
    skipped: int
    left: int  # due but not answered in this session
    next_due: date | None


def review_session(store: Store, due: list[reviewing.DueReview], tz: tzinfo) -> Summary:
    """Step through what is due (most overdue first): each with a recall prompt, its notes on
    request, and a grade key; every answer is stored as it is given."""
    today = clock.today(tz)
    answered: list[Answered] = []
    skipped = 0
    try:
        with _keys() as keys:
            for n, item in enumerate(due, start=1):
                render.review_card(item, n, len(due))
                key = _grade_key(keys)
                if key == " ":
                    render.review_notes(item)
                    key = _grade_key(keys, notes_shown=True)
                if key == "q":
                    break
                if key == "s":
                    skipped += 1
                    render.review_skipped()
                    continue
                done = reviewing.answer(store, item.item, int(key), clock.stamp(clock.now()), tz)
                answered.append(done)
                render.review_answered(done)
    except KeyboardInterrupt:
        pass
    return Summary(answered, skipped, len(due) - len(answered), reviewing.next_due(store, today, tz))


def _grade_key(keys: _Keys, notes_shown: bool = False) -> str:
    """A grade (1-4), s, q, or (until the notes are shown) the space that shows them."""
    while True:
        key = keys.read(None)
        if key in ("1", "2", "3", "4", "s", "q") or (key == " " and not notes_shown):
            return key
        if key in ("Q", "\x03"):
            return "q"
        if key == "S":
            return "s"
