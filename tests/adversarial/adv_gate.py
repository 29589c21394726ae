"""Test-only gate: pause a ``maltid`` CLI run at a chosen point so that a test can signal it.

Imported by the child process of ``test_adv_process.py`` (never by maltid). With
``MALTID_ADV_GATE`` set, :func:`install` wraps one function of maltid so that, at the
chosen moment, it writes the marker file ``MALTID_ADV_GATE_MARKER`` and then waits
(interruptibly, in Python) for the test's signal. The interruption therefore happens at a
known point, however fast or slow the machine is. Gates:

``solve``
    at the first call of :func:`maltid.routing.solve` (inside ``compare``).
``replace:<path suffix>``
    just before a finished temporary file is renamed onto a final name ending in the
    suffix (``maltid._io`` writes to a hidden temp file, then renames).
``written:<folder>``
    just after :func:`maltid.faces.export.write_outputs` returns for that scenario folder.
"""

from __future__ import annotations

import os
import sys
import time
import types
from pathlib import Path
from typing import Any

#: The gate gives up (exit 97) if no signal arrives: a test bug, never a hang.
WAIT_S = 120.0


def _block(marker: str) -> None:
    Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    end = time.monotonic() + WAIT_S
    while time.monotonic() < end:
        time.sleep(0.02)
    sys.stderr.write("adv_gate: no signal arrived\n")
    os._exit(97)


def install() -> None:
    """Install the gate named by ``MALTID_ADV_GATE`` (no-op when unset)."""
    spec = os.environ.get("MALTID_ADV_GATE", "")
    if not spec:
        return
    marker = os.environ["MALTID_ADV_GATE_MARKER"]
    kind, _, arg = spec.partition(":")
    if kind == "solve":
        import maltid.routing as routing

        real_solve = routing.solve

        def solve(*args: Any, **kwargs: Any) -> Any:
            _block(marker)
            return real_solve(*args, **kwargs)

        routing.solve = solve  # type: ignore[assignment]
    elif kind == "replace":
        import maltid._io as mio

        real_replace = os.replace

        def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
            if Path(dst).as_posix().endswith(arg):
                _block(marker)
            real_replace(src, dst, *args, **kwargs)

        proxy = types.ModuleType("os_gated")
        proxy.__dict__.update(os.__dict__)
        proxy.replace = replace  # type: ignore[attr-defined]
        mio.os = proxy  # type: ignore[attr-defined]
    elif kind == "written":
        import maltid.faces.export as export

        real_write = export.write_outputs

        def write_outputs(comparison: Any, out_dir: Any, *args: Any, **kwargs: Any) -> Any:
            result = real_write(comparison, out_dir, *args, **kwargs)
            if Path(out_dir).name == arg:
                _block(marker)
            return result

        export.write_outputs = write_outputs  # type: ignore[assignment]
    else:
        raise ValueError(f"unknown MALTID_ADV_GATE {spec!r}")
