"""Writing outputs atomically: to a temporary name beside the target, then renamed over it, so an
interrupted run never leaves a half-written file."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Outputs get the usual permissions (0o666 less the umask), not mkstemp's private 0o600.
FILE_MODE = 0o666 & ~_umask()
#: Temporary files are named ``.<target name>.<random>`` + this suffix, beside their target.
TEMP_SUFFIX = ".tmp"
#: The bytes of the target's name a temporary name keeps, so that with the dots, ``mkstemp``'s 8 random
#: characters and the suffix it stays within the 255 bytes a file system allows a name.
NAME_KEPT = 200


def _temporary_prefix(name: str) -> str:
    """``.<name>.``, the name cut to :data:`NAME_KEPT` bytes at a whole character (a long name that is
    allowed stays writable)."""
    return f".{os.fsencode(name)[:NAME_KEPT].decode('utf-8', 'ignore')}."


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder. A failure (a full disk, a
    missing folder, a name too long) is an ``OSError`` that names ``path``, never the temporary name; a
    name that is long but allowed is written (its temporary name is cut to fit)."""
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=_temporary_prefix(path.name), suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8, line ends as given) to ``path`` through a temporary file in the same folder."""
    write_bytes_atomic(path, text.encode("utf-8"))
