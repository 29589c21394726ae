"""Atomic writes of result files: write to a temporary file beside the target, then rename.

An interrupted run therefore never leaves a half-written file under the final name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_path", "atomic_write_csv", "atomic_write_text"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: Permissions of a new result file: what ``open()`` would give (0666 less the umask),
#: not the 0600 of a temporary file.
_FILE_MODE = 0o666 & ~_umask()


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    On any exception the temporary file is removed and ``target`` is left untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, _FILE_MODE)
    try:
        yield tmp
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _write(target: str | os.PathLike[str], mode: str, writer: Callable[[IO[Any]], object]) -> Path:
    with atomic_path(target) as tmp:
        encoding = None if "b" in mode else "utf-8"
        with open(tmp, mode, encoding=encoding) as fh:
            writer(fh)
    return Path(target)


def atomic_write_text(target: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8 to ``target`` atomically; return the path."""
    return _write(target, "w", lambda fh: fh.write(text))


#: First characters that make Excel and LibreOffice read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(frame: Any) -> Any:
    """Return ``frame`` with text cells that would run as spreadsheet formulas neutralised.

    A text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
    leading apostrophe (OWASP's advice against CSV injection): an id such as
    ``=HYPERLINK(...)`` from a recipients file is shown, never evaluated, when a planner
    opens the CSV in Excel. Numeric columns are untouched.
    """
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if values.dtype.kind in "biufcmM":
            continue

        def fix(v: Any) -> Any:
            return "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v

        out[col] = values.map(fix)
    return out


def atomic_write_csv(target: str | os.PathLike[str], frame: Any, **to_csv_kwargs: Any) -> Path:
    """Write a pandas DataFrame to CSV atomically (``index=False`` unless given).

    Text cells that a spreadsheet would run as formulas are neutralised first
    (:func:`excel_safe`). Returns the path written.
    """
    to_csv_kwargs.setdefault("index", False)
    frame = excel_safe(frame)
    with atomic_path(target) as tmp:
        frame.to_csv(tmp, **to_csv_kwargs)
    return Path(target)
