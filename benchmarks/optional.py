"""Optional extras: PyTorch (requirements-torch.txt) is needed only by the trained space, the
official NAS-Bench-201 file and ``optuna-gp``; a registration without it says how to add it."""

from __future__ import annotations

import importlib.util

#: PyTorch is an optional extra (requirements-torch.txt); this line says how to add it
TORCH_HINT = (
    "needs PyTorch, an optional extra: for the CPU build, pip install torch==2.13.0 --index-url "
    "https://download.pytorch.org/whl/cpu ; for the CUDA build, pip install -r requirements-torch.txt"
)


def torch_unavailable() -> str | None:
    """:data:`TORCH_HINT` when torch is not installed, else None (for ``unavailable=``)."""
    return TORCH_HINT if importlib.util.find_spec("torch") is None else None
