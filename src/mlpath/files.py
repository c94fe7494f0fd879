"""Every file mlpath reads or writes goes through here: regular files only, never a surprise.

Reading: only a regular file is opened (a FIFO would block forever, a device never ends), and
it is opened non-blocking in case it was swapped for one meanwhile; the size limit is counted
while reading, because /proc files and growing files lie in st_size.

Writing: the new content goes to a temporary file beside the target, which is then renamed over
it, so a reader sees the old file or the new one, never half of one. Only a regular file is
created or replaced; a symlink is followed to its target (which is the file replaced); devices,
FIFOs, sockets and directories are refused. A new file gets the mode the umask gives; a replaced
one keeps its own (and, for root, its owner), and a file the user may not write is not replaced
even though the directory would allow the rename.
"""

from __future__ import annotations

import os
import stat
from contextlib import suppress
from pathlib import Path

from mlpath.errors import MlpathError, UnsafePath

MIB = 1024 * 1024
MAX_READ_BYTES = 64 * MIB  # the most mlpath reads of a roadmap or import file (the README says 64 MiB)
SQLITE_HEADER = b"SQLite format 3\x00"
WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def regular_or_missing(path: Path, what: str, error: type[MlpathError] = UnsafePath) -> os.stat_result | None:
    """The stat of path (following symlinks) when it is a regular file, None when it does not exist.

    Anything else (a directory, device, FIFO, socket, a parent that is a file, a symlink loop)
    is refused with one line.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise error(f"cannot use {what} {path}: a parent of it is a file, not a directory") from None
    except OSError as exc:
        raise error(f"cannot use {what} {path}: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise error(f"{what} {path} is {kind(st.st_mode)}, not a regular file; refusing to touch it")
    return st


def read_bytes(path: Path, what: str, limit: int, error: type[MlpathError] = UnsafePath) -> bytes:
    """The bytes of a regular file, refusing anything else, and anything larger than limit bytes."""
    if regular_or_missing(path, what, error) is None:
        raise error(f"{what} {path} does not exist", hint="check the file's name and folder")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else since the check
            raise error(f"{what} {path} is not a regular file; refusing to read it")
        chunks, total = [], 0
        while chunk := os.read(fd, min(MIB, limit + 1 - total) or 1):
            total += len(chunk)
            if total > limit:
                raise error(f"{what} {path} is larger than {_size(limit)}; refusing to read it")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror}") from None
    finally:
        os.close(fd)


def read_head(path: Path, what: str, count: int, error: type[MlpathError] = UnsafePath) -> bytes:
    """The first count bytes of a regular file (checked by the caller), opened without blocking."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise error(f"{what} {path} is not a regular file; refusing to touch it")
        return os.read(fd, count)
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror}") from None
    finally:
        os.close(fd)


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit >= MIB else f"{limit} bytes"


def target(path: Path, what: str) -> Path:
    """Where writing path really lands: a symlink is followed to its target (which may not exist yet).

    Refused: an existing target that is not a regular file, and a missing parent directory.
    """
    path = path.expanduser()
    real = Path(os.path.realpath(path))
    regular_or_missing(real, what)
    if not real.parent.is_dir():
        raise UnsafePath(f"cannot write {what} {path}: the directory {real.parent} does not exist")
    return real


def new_file_mode() -> int:
    """The mode an ordinary new file gets under the process's umask."""
    mask = os.umask(0o22)
    os.umask(mask)
    return 0o666 & ~mask


def install(tmp: Path, final: Path, what: str, only_over_empty: bool = False) -> bool:
    """Move a finished temporary file to final (a path from `target`), atomically.

    A replaced file's mode (and, for root, owner) is kept; a new file gets the umask's mode.
    With only_over_empty, an existing non-empty file is left alone and False is returned.
    The caller removes tmp when this raises or returns False.
    """
    st = regular_or_missing(final, what)
    if st is not None and only_over_empty and st.st_size > 0:
        return False
    if st is not None and not os.access(final, os.W_OK):  # a rename would replace it all the same
        raise UnsafePath(f"cannot write {what} {final}: the file is read-only",
                         hint="make it writable (chmod u+w) or choose another file")
    try:
        if st is None:
            os.chmod(tmp, new_file_mode())
            if only_over_empty:
                try:
                    os.link(tmp, final)  # never replaces a file another process made meanwhile
                except FileExistsError:
                    return install(tmp, final, what, only_over_empty)
                except OSError:  # file systems without hard links
                    os.replace(tmp, final)
                return True
        else:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            if os.geteuid() == 0 and (st.st_uid, st.st_gid) != (0, 0):
                os.chown(tmp, st.st_uid, st.st_gid)
        os.replace(tmp, final)
    except OSError as exc:
        raise UnsafePath(f"cannot write {what} {final}: {exc.strerror}") from None
    return True


def write_text(path: Path, text: str, what: str, protected: Path) -> None:
    """Write text to path atomically, through the checks above.

    `protected` is the database in use: it, its -wal/-shm/-journal files and its backups are
    never replaced, and neither is any other SQLite database.
    """
    import tempfile

    final = target(path, what)
    _refuse_database(final, protected, path, what)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    except OSError as exc:
        raise UnsafePath(f"cannot write {what} {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        install(Path(tmp), final, what)
    except OSError as exc:
        raise UnsafePath(f"cannot write {what} {path}: {exc.strerror}") from None
    finally:
        with suppress(OSError):
            Path(tmp).unlink(missing_ok=True)


def _refuse_database(final: Path, protected: Path, given: Path, what: str) -> None:
    db = Path(os.path.realpath(protected.expanduser()))
    companions = {db.name, *(f"{db.name}{suffix}" for suffix in ("-wal", "-shm", "-journal"))}
    hint = "choose another file name; the database is written only by mlpath's own commands"
    if final.parent == db.parent and (final.name in companions or final.name.startswith(f"{db.name}.bak-v")):
        raise UnsafePath(f"{given} is the database in use (or one of its files); refusing to write {what} over it",
                         hint=hint)
    if not os.path.exists(final):
        return
    head = read_head(final, what, len(SQLITE_HEADER))  # non-blocking, should it have become a FIFO
    if head == SQLITE_HEADER or head[:4] in WAL_MAGIC or any(_same_file(final, db.with_name(name))
                                                            for name in companions):
        raise UnsafePath(f"{given} is an SQLite database (or its journal); refusing to write {what} over it",
                         hint=hint)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
