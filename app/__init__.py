"""Hearth: a local LLM workbench for the desktop."""

import os as _os

__version__ = "0.1.0"

# llama.cpp (and torch) compute on OpenMP thread teams: inside one evaluation the threads
# meet at a barrier after every operation, hundreds of times per token, so a waiting thread
# must spin, not sleep. libgomp (one copy, shared by torch and llama.cpp) decides how long
# it spins, and when a process has more OpenMP threads than CPUs (two teams: the engine's
# thread and any other thread that called llama.cpp or torch) it cuts the spin to 100
# polls unless the wait policy is ACTIVE (then 1000). Measured on 2 cores, tokens/s of the
# benchmark model's decode: sleep at every barrier (PASSIVE) 18; libgomp's default with
# two teams 30; ACTIVE with a 10k-poll limit 55, in every case. The limit keeps an idle
# team from spinning on after its work ends (it sleeps within a fraction of a
# millisecond), so an idle app uses no CPU. The cost: while RAG indexing (torch) and a
# chat decode share two cores, decode runs at 17 tok/s instead of 25. Set before
# llama.cpp or torch load; either variable may be overridden in the environment.
OPENMP_DEFAULTS = {"OMP_WAIT_POLICY": "ACTIVE", "GOMP_SPINCOUNT": "10000"}
for _name, _value in OPENMP_DEFAULTS.items():
    _os.environ.setdefault(_name, _value)
del _name, _value
