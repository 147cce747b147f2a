"""Hearth: a local LLM workbench for the desktop."""

import os as _os

__version__ = "0.1.0"

# llama.cpp (and torch) run on OpenMP thread teams, one team per calling thread. Hearth
# calls them from several threads (the engine thread, RAG indexing, the GUI), and with
# OpenMP's default "active" waiting an idle team keeps spinning on the cores another team
# needs: measured here, decode fell from 30 to 3-7 tok/s on 2 cores. Passive waiting costs
# one wake-up per graph (microseconds). Set before llama.cpp or torch load; users may
# override it in the environment.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
