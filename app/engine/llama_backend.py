"""One llama.cpp model and context, driven through llama.cpp's C API.

Not thread-safe by design: only the :class:`~app.engine.service.InferenceService`
thread calls it. The generation loop is the same shape as llama.cpp's minimal
example (``llama_decode`` + the native sampler chain) so Python adds almost nothing
per token; on top it keeps the KV cache between requests (prefix reuse), holds back
partial stop strings, and checks a cancel flag between tokens.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.core import fit
from app.core.errors import (
    ContextOverflowError,
    InsufficientMemoryError,
    InvalidRequestError,
    ModelLoadError,
    NoModelLoadedError,
    UnsupportedModelError,
)
from app.core.gguf import GGUFInfo, read_info
from app.core.hardware import (
    HardwareInfo,
    default_threads,
    detect_hardware,
    release_freed_memory,
)
from app.engine import llama_log
from app.engine.architectures import SUPPORTED_ARCHITECTURES
from app.engine.chat_template import ChatTemplate
from app.engine.runs import (
    ActiveRun,
    GenerationWork,
    Slot,
    TokenBatch,
    cancelled_result,
    first_reservation,
    max_new,
)
from app.engine.types import (
    ChatMessage,
    FinishReason,
    GenerationRequest,
    GenerationResult,
    LoadedModel,
    LoadOptions,
    TextDelta,
    TokenLogprob,
    TruncationPolicy,
)

log = logging.getLogger(__name__)

# a shared start shorter than this is cheaper to evaluate again than to look for
MIN_SHARED_TOKENS = 8

_KV_GGML_TYPE = {"f16": 1, "q8_0": 8, "q4_0": 2}


class LlamaBackend:
    """Load, unload and generate. Every method must run on the owning thread."""

    def __init__(self, hardware: HardwareInfo | None = None) -> None:
        self._hw = hardware
        self._model: Any = None
        self._ctx: Any = None
        self._vocab: Any = None
        self._mem: Any = None
        self._info: GGUFInfo | None = None
        self._template: ChatTemplate | None = None
        self._slots: list[Slot] = []  # one per sequence of the (unified) KV cache
        self._batch: TokenBatch | None = None
        self._eog: list[int] | None = None
        self._is_eog: Any = None
        self._can_share = False  # sequences may share KV cells (not recurrent/hybrid models)
        self._piece_buf = ctypes.create_string_buffer(256)
        self.loaded: LoadedModel | None = None
        self.n_ctx = 0
        self.n_batch = 512
        self.n_vocab = 0

    # ------------------------------------------------------------------ loading
    @property
    def hardware(self) -> HardwareInfo:
        if self._hw is None:
            self._hw = detect_hardware()
        return self._hw

    @property
    def info(self) -> GGUFInfo:
        if self._info is None:
            raise NoModelLoadedError("No model is loaded.", hint="Load a model first.")
        return self._info

    def plan(
        self, opts: LoadOptions, info: GGUFInfo | None = None
    ) -> tuple[GGUFInfo, int, int, fit.FitEstimate]:
        """Resolve "auto" settings and check the fit, without loading: (info, n_ctx, gpu_layers, estimate)."""
        info = info or read_info(opts.path)
        if info.is_mmproj:
            raise UnsupportedModelError(
                f"{info.path.name} is a vision projector (mmproj), not a chat model.",
                hint="Load the matching language model instead.",
            )
        if info.architecture not in SUPPORTED_ARCHITECTURES:
            raise UnsupportedModelError(
                f"{info.path.name} uses the '{info.architecture}' architecture, which this llama.cpp cannot run.",
                hint="Update Hearth or pick a model of a supported architecture.",
            )
        hw = replace(self.hardware, ram_available=self._ram_available_for_load())
        import llama_cpp

        gpu_ok = bool(llama_cpp.llama_supports_gpu_offload()) and bool(hw.gpus)
        if not gpu_ok:
            hw = replace(hw, gpus=())
        gl_req = None if opts.gpu_layers is None or opts.gpu_layers < 0 else opts.gpu_layers
        if opts.n_ctx is None:
            n_ctx = fit.largest_fitting_context(
                info, hw, kv_type=opts.kv_type, gpu_layers=gl_req, ceiling=opts.max_default_ctx
            )
        else:
            n_ctx = opts.n_ctx
        est = fit.estimate(
            info, hw, n_ctx=n_ctx, kv_type=opts.kv_type, gpu_layers=gl_req, n_ubatch=opts.n_ubatch
        )
        if opts.check_memory and est.verdict is fit.Verdict.WONT_FIT:
            need = est.ram_bytes / fit.GIB
            have = est.ram_budget / fit.GIB
            raise InsufficientMemoryError(
                f"{info.path.name} needs about {need:.1f} GiB of memory at {n_ctx:,} tokens of context, "
                f"but only {max(have, 0):.1f} GiB is free.",
                hint="Try a smaller context, a quantized KV cache (q8_0), or a smaller quantization.",
            )
        return info, n_ctx, est.gpu_layers if gpu_ok else 0, est

    def _ram_available_for_load(self) -> int:
        from app.core.hardware import memory

        # memory held by the model we are about to replace counts as available
        return memory()[1] + (self._info.size_bytes if self._info else 0)

    def load(
        self, opts: LoadOptions, on_progress: Callable[[float], bool] | None = None
    ) -> LoadedModel:
        import llama_cpp as L

        llama_log.install_log_capture()
        L.llama_backend_init()
        # check the new file and its fit first: a bad file leaves the current model loaded
        info, n_ctx, gpu_layers, _est = self.plan(opts)
        self.unload()
        t0 = time.perf_counter()
        mparams = L.llama_model_default_params()
        mparams.n_gpu_layers = gpu_layers
        mparams.load_mode = (
            (L.LLAMA_LOAD_MODE_MMAP_MLOCK if opts.use_mlock else L.LLAMA_LOAD_MODE_MMAP)
            if opts.use_mmap
            else (L.LLAMA_LOAD_MODE_MLOCK if opts.use_mlock else L.LLAMA_LOAD_MODE_NONE)
        )
        progress_cb = None
        if on_progress is not None:

            @L.llama_progress_callback  # type: ignore[untyped-decorator]
            def progress_cb(p: float, _user: ctypes.c_void_p) -> bool:
                return bool(on_progress(float(p)))

            mparams.progress_callback = progress_cb
        llama_log.clear()
        model = L.llama_model_load_from_file(str(info.parts[0]).encode("utf-8"), mparams)
        if not model:
            reason = llama_log.last_error("llama.cpp could not read the model")
            raise ModelLoadError(
                f"Could not load {info.path.name}: {reason}.",
                hint="The file may be damaged or need a newer Hearth.",
            )
        cparams = L.llama_context_default_params()
        threads = opts.n_threads or default_threads()
        cparams.n_ctx = n_ctx
        cparams.n_batch = min(opts.n_batch, n_ctx)
        cparams.n_ubatch = min(opts.n_ubatch, opts.n_batch, n_ctx)
        n_seq = max(1, opts.n_parallel)
        cparams.n_seq_max = n_seq
        cparams.kv_unified = True  # every sequence may use the whole context
        cparams.n_threads = threads
        cparams.n_threads_batch = opts.n_threads_batch or threads
        cparams.type_k = _KV_GGML_TYPE[opts.kv_type]
        cparams.type_v = _KV_GGML_TYPE[opts.kv_type]
        fa = opts.flash_attn
        if fa is None and gpu_layers == 0 and opts.kv_type == "f16" and n_seq == 1:
            # On a CPU, llama.cpp's flash-attention kernel slows down as the context fills:
            # measured on a 2-core AVX2 machine at 3,458 tokens of context, decode ran at
            # 16-17 tok/s with it and 25-30 without, and a follow-up turn's first token took
            # 1.3-1.4 s instead of 0.4-0.5 s; it only wins on prompt processing from an
            # empty cache (~15 %). One chat is the former, so "auto" means off here.
            # With several sequences (the server's slots) it is the other way round: without
            # flash attention every token attends over all cells in use, other sequences'
            # and idle slots' caches included, and masks them out afterwards, while the
            # flash-attention kernel skips masked cells. 4 slots holding 2,424 cells in all
            # (425M Q4_K_M, 2 vCPUs): one client decoded 34.4 tok/s without, 54.5 with; four
            # clients 11.7 against 21.9 tok/s each. A lone 2,396-token sequence: 36.6
            # without, 28.2 with.
            cparams.flash_attn_type = L.LLAMA_FLASH_ATTN_TYPE_DISABLED
        elif fa is None:
            cparams.flash_attn_type = L.LLAMA_FLASH_ATTN_TYPE_AUTO
        else:
            cparams.flash_attn_type = (
                L.LLAMA_FLASH_ATTN_TYPE_ENABLED if fa else L.LLAMA_FLASH_ATTN_TYPE_DISABLED
            )
        if opts.kv_type != "f16" and fa is False:
            L.llama_model_free(model)
            raise InvalidRequestError(
                "A quantized KV cache needs flash attention; turn flash attention on."
            )
        ctx = L.llama_init_from_model(model, cparams)
        if not ctx:
            reason = llama_log.last_error("the context could not be created")
            L.llama_model_free(model)
            raise ModelLoadError(
                f"Could not create a {n_ctx:,}-token context for {info.path.name}: {reason}.",
                hint="Try a smaller context or fewer GPU layers.",
            )
        if opts.lora_paths:
            # llama_set_adapters_lora replaces the whole set on every call, so all the
            # adapters go in one call (the model owns and frees them).
            adapters = []
            for lora in opts.lora_paths:
                adapter = L.llama_adapter_lora_init(model, str(lora).encode("utf-8"))
                if not adapter:
                    L.llama_free(ctx)
                    L.llama_model_free(model)
                    raise ModelLoadError(f"Could not load the LoRA adapter {Path(lora).name}.")
                adapters.append(adapter)
            n = len(adapters)
            arr = (L.llama_adapter_lora_p_ctypes * n)(*adapters)
            scales = (ctypes.c_float * n)(*([1.0] * n))
            if L.llama_set_adapters_lora(ctx, arr, n, scales) != 0:
                L.llama_free(ctx)
                L.llama_model_free(model)
                raise ModelLoadError(
                    f"Could not apply the LoRA adapters to {info.path.name}: "
                    + llama_log.last_error("llama.cpp refused them")
                    + "."
                )
        self._model, self._ctx = model, ctx
        self._vocab = L.llama_model_get_vocab(model)
        self._mem = L.llama_get_memory(ctx)
        self._can_share = not (L.llama_model_is_recurrent(model) or L.llama_model_is_hybrid(model))
        self._info = info
        self.n_ctx = int(L.llama_n_ctx(ctx))
        self.n_batch = int(L.llama_n_batch(ctx))
        self.n_vocab = int(L.llama_vocab_n_tokens(self._vocab))
        self._slots = [Slot(i) for i in range(int(L.llama_n_seq_max(ctx)) or n_seq)]
        self._batch = TokenBatch(self.n_batch)
        self._eog = None
        self._is_eog = L.llama_vocab_is_eog
        self._template = ChatTemplate(
            info.chat_template, bos_token=info.bos_token or "", eos_token=info.eos_token or ""
        )
        if opts.n_threads is None and gpu_layers == 0 and threads > 1:
            threads = self._tune_decode_threads(threads, int(cparams.n_threads_batch))
        from app.engine.backend_info import backend_info

        self.loaded = LoadedModel(
            path=info.path,
            name=info.name,
            architecture=info.architecture,
            n_ctx=self.n_ctx,
            n_ctx_train=info.context_length or self.n_ctx,
            gpu_layers=gpu_layers,
            n_layers=info.block_count,
            kv_type=opts.kv_type,
            flash_attn={None: "auto", True: "on", False: "off"}[fa],
            n_threads=threads,
            backend=backend_info().backend if gpu_layers else "cpu",
            load_s=time.perf_counter() - t0,
            size_bytes=info.size_bytes,
            quantization=info.quantization,
            has_chat_template=info.has_chat_template,
            vocab_size=self.n_vocab,
            embedding_length=info.embedding_length,
        )
        return self.loaded

    def _tune_decode_threads(self, most: int, batch_threads: int) -> int:
        """Pick the fastest thread count for decoding by timing a few real decode steps.

        Decoding reads every weight once per token, so it is bound by memory bandwidth more
        than by cores, and its threads meet at a barrier after every operation: where cores
        are shared (SMT siblings, efficiency cores, a busy or oversubscribed VM) fewer
        threads than cores can decode faster. Prompt processing keeps every core. Costs a
        few dozen single-token steps at load time.
        """
        import llama_cpp as L

        candidates = sorted({most, max(1, most // 2), 1}, reverse=True)
        batch = self._batch
        assert batch is not None
        tok = int(L.llama_vocab_bos(self._vocab))
        tok = tok if 0 <= tok < self.n_vocab else 0
        pos = 0

        def step() -> float:
            nonlocal pos
            batch.clear()
            batch.add(tok, pos, 0, True)
            pos += 1
            t0 = time.perf_counter()
            if batch.decode(self._ctx) != 0:
                raise RuntimeError("decode failed")
            return time.perf_counter() - t0

        best, best_s = most, math.inf
        try:
            step()  # warm-up: page in the weights
            for n in candidates + candidates[::-1]:  # both orders, so drift hits all alike
                L.llama_set_n_threads(self._ctx, n, batch_threads)
                t = min(step() for _ in range(3))
                if t < best_s * 0.95 or (n == best and t < best_s):
                    best, best_s = n, t
        except RuntimeError:
            best = most
        finally:
            L.llama_memory_clear(self._mem, True)
        L.llama_set_n_threads(self._ctx, best, batch_threads)
        log.info("decode threads: %d (of %s tried)", best, candidates)
        return best

    def unload(self) -> None:
        if self._ctx is None and self._model is None:
            return
        import llama_cpp as L

        if self._batch is not None:
            self._batch.free()
            self._batch = None
        if self._ctx is not None:
            L.llama_free(self._ctx)
        if self._model is not None:
            L.llama_model_free(self._model)
        self._ctx = self._model = self._vocab = self._mem = None
        self._info = None
        self._template = None
        self._slots = []
        self._eog = None
        self.loaded = None
        gc.collect()
        release_freed_memory()

    def _require(self) -> None:
        if self._ctx is None:
            raise NoModelLoadedError("No model is loaded.", hint="Load a model first.")

    # --------------------------------------------------------------- tokenizing
    def tokenize(self, text: str, *, add_bos: bool = False, special: bool = True) -> list[int]:
        import llama_cpp as L

        self._require()
        data = text.encode("utf-8")
        cap = len(data) + 8
        buf = (L.llama_token * cap)()
        n = L.llama_tokenize(self._vocab, data, len(data), buf, cap, add_bos, special)
        if n < 0:
            cap = -n
            buf = (L.llama_token * cap)()
            n = L.llama_tokenize(self._vocab, data, len(data), buf, cap, add_bos, special)
        return list(buf[:n])

    def token_bytes(self, token: int, special: bool = False) -> bytes:
        import llama_cpp as L

        if not 0 <= token < self.n_vocab:  # llama.cpp aborts the process on a bad id
            raise InvalidRequestError(
                f"Token id {token} is outside the vocabulary (0..{self.n_vocab - 1})."
            )

        buf = self._piece_buf
        n = L.llama_token_to_piece(self._vocab, token, buf, len(buf), 0, special)
        if n < 0:
            buf = ctypes.create_string_buffer(-n)
            n = L.llama_token_to_piece(self._vocab, token, buf, len(buf), 0, special)
        return buf.raw[:n]

    def detokenize(self, tokens: list[int], special: bool = False) -> str:
        return b"".join(self.token_bytes(t, special) for t in tokens).decode(
            "utf-8", errors="replace"
        )

    def render_chat(self, messages: list[ChatMessage], req: GenerationRequest | None = None) -> str:
        self._require()
        assert self._template is not None
        kwargs = dict(req.template_kwargs) if req else {}
        return self._template.render(
            [m.to_template() for m in messages],
            add_generation_prompt=req.add_generation_prompt if req else True,
            tools=[dict(t) for t in req.tools] if req and req.tools else None,
            **kwargs,
        )

    def _tokenize_prompt(self, text: str, h: tuple[str, list[int]] | None = None) -> list[int]:
        info = self.info
        starts_with_bos = bool(info.bos_token) and text.startswith(info.bos_token or "")
        full = self.tokenize(text, add_bos=info.add_bos_token and not starts_with_bos, special=True)
        if h is None or len(text) <= len(h[0]) or not text.startswith(h[0]):
            return full
        # A follow-up turn: the previous prompt and reply keep the tokens they had, so
        # the KV cache matches up to the end of the reply. Used only when it spells the
        # same text as the plain tokenization.
        spliced = h[1] + self.tokenize(text[len(h[0]) :], add_bos=False, special=True)
        if spliced != full and self._detok_all(spliced) == self._detok_all(full):
            return spliced
        return full

    def _detok_all(self, tokens: list[int]) -> str:
        import llama_cpp as L

        if any(not 0 <= t < self.n_vocab for t in tokens):
            raise InvalidRequestError(f"Token ids must be between 0 and {self.n_vocab - 1}.")

        arr = (L.llama_token * len(tokens))(*tokens)
        cap = len(tokens) * 16 + 16
        buf = ctypes.create_string_buffer(cap)
        n = L.llama_detokenize(self._vocab, arr, len(tokens), buf, cap, False, True)
        if n < 0:
            buf = ctypes.create_string_buffer(-n)
            n = L.llama_detokenize(self._vocab, arr, len(tokens), buf, -n, False, True)
        return buf.raw[:n].decode("utf-8", errors="replace")

    def _prepare(
        self,
        req: GenerationRequest,
        history: tuple[str, list[int]] | None = None,
        first_text: str | None = None,
    ) -> tuple[str, list[int], int]:
        """(prompt text, tokens, turns dropped), applying the request's truncation policy.

        ``history`` is the KV slot's last prompt and reply (for token splicing);
        ``first_text`` the already rendered prompt of the untruncated messages.
        """
        self._require()
        if req.prompt is not None:
            toks = self._tokenize_prompt(req.prompt, history)
            self._check_fits(len(toks), req)
            return req.prompt, toks, 0
        messages = list(req.messages)
        dropped = 0
        while True:
            text = first_text if first_text is not None else self.render_chat(messages, req)
            first_text = None
            toks = self._tokenize_prompt(text, history)
            if self._fits(len(toks), req):
                return text, toks, dropped
            droppable = [i for i, m in enumerate(messages) if m.role not in ("system", "developer")]
            if req.truncation is TruncationPolicy.ERROR or len(droppable) <= 1:
                self._check_fits(len(toks), req)
            # drop the oldest turn (a user message and the replies that follow it)
            first = droppable[0]
            end = first + 1
            while end < len(messages) and messages[end].role in ("assistant", "tool"):
                end += 1
            if end >= len(messages):  # never drop the final message
                self._check_fits(len(toks), req)
            dropped += end - first
            del messages[first:end]

    def prompt_tokens(self, req: GenerationRequest) -> tuple[list[int], int]:
        """Tokens for a request (applying its truncation policy) and the number of turns dropped."""
        _text, toks, dropped = self._prepare(req, self._slots[0].history if self._slots else None)
        return toks, dropped

    def _fits(self, n_prompt: int, req: GenerationRequest) -> bool:
        need = n_prompt + (req.max_tokens if req.max_tokens is not None else 1)
        return need <= self.n_ctx

    def _check_fits(self, n_prompt: int, req: GenerationRequest) -> None:
        if self._fits(n_prompt, req):
            return
        mt = req.max_tokens or 0
        raise ContextOverflowError(
            f"The prompt is {n_prompt:,} tokens"
            + (f" and {mt:,} more were asked for" if mt else "")
            + f", but the context holds {self.n_ctx:,}.",
            prompt_tokens=n_prompt,
            max_tokens=mt,
            n_ctx=self.n_ctx,
            hint="Shorten the conversation, lower max tokens, or load the model with a larger context.",
        )

    # --------------------------------------------------------------- generation
    def _clear_cache(self) -> None:
        """Forget every slot's KV cache."""
        import llama_cpp as L

        if self._mem is not None:
            L.llama_memory_clear(self._mem, True)
        for slot in self._slots:
            slot.forget()

    def _drop_slot(self, slot: Slot) -> None:
        import llama_cpp as L

        if slot.cached and not L.llama_memory_seq_rm(self._mem, slot.seq, -1, -1):
            self._clear_cache()
            return
        slot.forget()

    def _reuse_prefix(self, slot: Slot, tokens: list[int]) -> int:
        """Keep the slot's KV for the longest common prefix; return how many tokens are reused."""
        import llama_cpp as L

        cached = slot.cached
        n = _common_token_prefix(cached, tokens, len(tokens) - 1)  # >= 1 token for fresh logits
        if n < len(cached):
            if not L.llama_memory_seq_rm(self._mem, slot.seq, n, -1):
                self._drop_slot(slot)
                return 0
            del cached[n:]
        return n

    def _share_prefix(self, slot: Slot, tokens: list[int], n_reused: int) -> int:
        """Give ``slot`` the longest start of ``tokens`` that another slot holds, when that is
        longer than what ``slot`` keeps itself; return the tokens now reused.

        The KV cache is unified, so ``llama_memory_seq_cp`` only tags the other sequence's
        cells with this one's id: no copy, no compute, and no second set of cells for the
        shared start. Concurrent requests with the same instructions (an API client's system
        prompt, a RAG template) evaluate that start once. Busy slots count: their cached
        tokens are already evaluated, and what they append later is their own.
        """
        import llama_cpp as L

        if not self._can_share:
            return n_reused
        limit = len(tokens) - 1  # evaluate >= 1 token for fresh logits
        best, best_n = None, n_reused
        for other in self._slots:
            if other is slot or len(other.cached) <= best_n:
                continue
            k = _common_token_prefix(other.cached, tokens, limit)
            if k > best_n:
                best, best_n = other, k
        if best is None or best_n - n_reused < MIN_SHARED_TOKENS:
            return n_reused
        L.llama_memory_seq_rm(self._mem, slot.seq, -1, -1)  # a whole sequence: never refused
        L.llama_memory_seq_cp(self._mem, best.seq, slot.seq, 0, best_n)
        slot.cached = tokens[:best_n]
        slot.history = None
        if (
            L.llama_memory_seq_pos_min(self._mem, slot.seq) != 0
            or L.llama_memory_seq_pos_max(self._mem, slot.seq) != best_n - 1
        ):  # the memory could not share these cells after all: evaluate the prompt instead
            self._drop_slot(slot)
            return 0
        return best_n

    def _share_starts(self, runs: list[ActiveRun]) -> None:
        """Runs that have not begun their prompt take over the start other slots hold
        (evaluated cells only: this runs before the batch is built). A run whose shared start
        an earlier run is still evaluating stays fresh and waits for it."""
        for r in runs:
            if not r.fresh or self._start_is_being_evaluated(r, runs):
                continue
            r.fresh = False
            shared = self._share_prefix(r.slot, r.tokens, r.n_reused)
            if shared > r.n_reused:
                r.n_reused, r.pending = shared, r.tokens[shared:]

    def _start_is_being_evaluated(self, run: ActiveRun, runs: list[ActiveRun]) -> bool:
        """Whether a run admitted before ``run`` is still evaluating a start of its prompt that
        ``run``'s prompt shares (so ``run`` should wait and then share those cells)."""
        if not self._can_share:
            return False
        limit = len(run.tokens) - 1
        for other in runs:
            if other is run:
                return False
            if other.pending:
                k = _common_token_prefix(other.tokens, run.tokens, limit)
                if k - run.n_reused >= MIN_SHARED_TOKENS and len(other.slot.cached) < k:
                    return True
        return False

    def _make_room(self, runs: list[ActiveRun]) -> list[ActiveRun]:
        """Of ``runs`` (all admitted; finished ones hold their cells until they are removed),
        the unfinished ones that can take a step now, after giving room to those that need it.

        A run without max_tokens reserves a chunk at a time. Oldest first, a run that needs
        more cells (to grow, or to come back after it was suspended) takes them from the
        free room, then from idle slots' caches, then by suspending the youngest runs
        admitted after it: their cells are given up and their tokens evaluated again when
        there is room (as vLLM's recompute preemption), so no reply is cut short. A run
        that finds no room waits. The oldest run can always go on, so nothing deadlocks.
        """
        import llama_cpp as L

        order = sorted((r for r in runs if r.finish is None), key=lambda r: r.t_start)
        ready: list[ActiveRun] = []
        for r in order:
            want = r.wants_room()
            if want == 0:
                ready.append(r)
                continue
            ask = want if r.suspended else max(want, r.grow())  # a chunk, if there is room
            free = self._drop_idle_caches(runs, ask)
            younger = [y for y in order if y.t_start > r.t_start and not y.suspended]
            while free < want and younger:
                y = younger.pop()
                if y.slot.cached:
                    L.llama_memory_seq_rm(self._mem, y.slot.seq, -1, -1)
                y.suspend()
                log.info("suspended a generation to give an older one room")
                free = self._free_cells(runs)
            if free < want:
                continue  # waits for room
            if r.suspended:
                r.suspended = False
            else:
                r.limit += min(ask, free)
            ready.append(r)
        return ready

    def _drop_idle_caches(self, runs: list[ActiveRun], cells: int, keep: Slot | None = None) -> int:
        """Give up idle slots' caches, least recently used first, until ``cells`` are free;
        return the cells free. ``keep``'s cache counts as free (it is about to be reused)."""
        idle = sorted(
            (s for s in self._slots if not s.busy and s is not keep and s.cached),
            key=lambda s: s.last_used,
        )
        while True:
            free = self._free_cells(runs) + (len(keep.cached) if keep else 0)
            if free >= cells or not idle:
                return free
            self._drop_slot(idle.pop(0))

    def _free_cells(self, runs: list[ActiveRun]) -> int:
        """Cells neither reserved by a run nor holding an idle slot's cache (a lower bound:
        cells that slots share are counted once per slot)."""
        idle = sum(len(s.cached) for s in self._slots if not s.busy)
        return self.n_ctx - sum(r.reserved for r in runs) - idle

    def _pick_slot(self, text: str) -> Slot:
        """A free slot for a prompt: the one whose cache continues it or already holds most
        of it (the shared start is at least half of the cached text or half of the prompt),
        else an empty one, else the one with the longest shared start, least recently used
        first; so that other conversations keep their caches.

        Holding most of the prompt counts because a second copy of the same long start in
        another slot costs more than re-evaluating the old slot's tail: every decode step
        attends over all cells in use, idle slots' included (measured with 4 slots and one
        prompt sent 8 times: decode fell from 65 to 50 tok/s as copies piled up).
        """
        free = [s for s in self._slots if not s.busy]

        def common(s: Slot) -> int:
            return _common_prefix_len(text, s.history[0]) if s.history else 0

        best = max(free, key=lambda s: (common(s), -s.last_used))
        shared = common(best)
        if best.history and 2 * shared >= min(len(best.history[0]), len(text)):
            return best
        empty = [s for s in free if not s.cached]
        return empty[0] if empty else best

    def _admit(self, work: GenerationWork, runs: list[ActiveRun]) -> ActiveRun | None:
        """Start ``work`` in a free slot, or None when the KV cache has no room for it now.

        Room is reserved up front (prompt plus the most tokens the run may generate, or a
        first chunk of them when it has no max_tokens: see ``_make_room``), so runs in flight
        never run out of cells; idle slots' caches are given up, least recently used first,
        when the space is needed.
        """
        self._require()
        req = work.request
        t_start = time.perf_counter()
        first_text = (
            req.prompt if req.prompt is not None else self.render_chat(list(req.messages), req)
        )
        slot = self._pick_slot(first_text)
        prepared = self._prepare(req, slot.history, None if req.prompt is not None else first_text)
        n_prompt = len(prepared[1])
        reserve = first_reservation(
            n_prompt, max_new(self.n_ctx, n_prompt, req.max_tokens), req.max_tokens is not None
        )
        if self._drop_idle_caches(runs, reserve, keep=slot) < reserve and runs:
            return None
        n_reused = self._reuse_prefix(slot, prepared[1])
        run = ActiveRun(self, work, slot, prepared, n_reused, t_start)
        slot.busy = True
        slot.last_used = t_start
        return run

    def _step(self, runs: list[ActiveRun]) -> None:
        """One ``llama_decode``: every decoding run's next token, then prompt chunks."""
        batch = self._batch
        assert batch is not None
        self._share_starts(runs)
        batch.clear()
        for r in runs:
            r.logits_at = -1
            if r.next_token is not None:
                cached = r.slot.cached
                r.logits_at = batch.add(r.next_token, len(cached), r.slot.seq, True)
                cached.append(r.next_token)
                r.next_token = None
        for r in runs:
            if r.pending and batch.room and not r.fresh:
                take, r.pending = r.pending[: batch.room], r.pending[batch.room :]
                cached, seq = r.slot.cached, r.slot.seq
                base = len(cached)
                last = len(take) - 1
                for j, tok in enumerate(take):
                    i = batch.add(tok, base + j, seq, j == last and not r.pending)
                cached.extend(take)
                if not r.pending:
                    r.logits_at = i
        if batch.n == 0:
            return
        rc = batch.decode(self._ctx)
        if rc != 0:
            # the KV cache is in an unknown state now: forget it
            self._clear_cache()
            raise ModelLoadError(f"llama.cpp failed to evaluate the batch (code {rc}).")
        now = time.perf_counter()
        for r in runs:
            if r.logits_at >= 0:
                if r.n_gen == 0:
                    r.t_prefill_end = now
                r.on_logits(self._ctx, r.logits_at)

    def run_generations(
        self,
        first: GenerationWork,
        peek: Callable[[], GenerationWork | None] | None = None,
        pop: Callable[[GenerationWork], None] | None = None,
    ) -> None:
        """Run ``first`` and, batched with it, the generations that ``peek`` offers next in the
        queue (taken with ``pop`` once admitted) while slots and KV cells allow. Each work's
        ``done`` gets its result or its error."""
        runs: list[ActiveRun] = []

        def start(work: GenerationWork) -> bool:
            """False when there is no room for ``work`` yet."""
            if work.cancel.is_set():
                work.done(cancelled_result(), None)
                return True
            try:
                run = self._admit(work, runs)
            except BaseException as exc:
                work.done(None, exc)
                return True
            if run is None:
                return False
            runs.append(run)
            return True

        start(first)
        blocked = False  # the next request waits for room: do not re-check it every step
        try:
            while runs:
                while (
                    not blocked
                    and peek is not None
                    and pop is not None
                    and len(runs) < len(self._slots)
                    and not any(r.suspended for r in runs)  # they come back first
                ):
                    work = peek()
                    if work is None:
                        break
                    if not start(work):
                        blocked = True
                        break
                    pop(work)
                for r in runs:
                    if r.finish is None and r.work.cancel.is_set():
                        r.finish = FinishReason.CANCELLED
                live = self._make_room(runs)
                for r in live:
                    r.parallel = max(r.parallel, len(live))
                if live:
                    self._step(live)
                for r in [r for r in runs if r.finish is not None]:
                    blocked = False
                    runs.remove(r)
                    r.slot.busy = False
                    r.work.done(r.result(), None)
        except BaseException as exc:
            for r in runs:
                r.close()
                r.slot.busy = False
                r.work.done(None, exc)
            self._clear_cache()
            if not isinstance(exc, Exception):
                raise

    def generate(
        self,
        req: GenerationRequest,
        cancel: threading.Event,
        emit: Callable[[TextDelta], None],
        *,
        queue_s: float = 0.0,
    ) -> GenerationResult:
        """Run one generation to its end (a batch of one)."""
        out: list[GenerationResult | BaseException] = []

        def done(res: GenerationResult | None, exc: BaseException | None) -> None:
            out.append(exc if exc is not None else res)  # type: ignore[arg-type]

        work = GenerationWork(req, cancel, emit, done, time.perf_counter() - queue_s)
        self.run_generations(work)
        got = out[0]
        if isinstance(got, BaseException):
            raise got
        return got

    def _logprob(self, tok: int, raw: bytes, top_n: int, idx: int = -1) -> TokenLogprob:
        import llama_cpp as L
        import numpy as np

        ptr = L.llama_get_logits_ith(self._ctx, idx)
        logits = np.ctypeslib.as_array(ptr, shape=(self.n_vocab,)).astype(np.float64)
        m = float(logits.max())
        lse = m + math.log(float(np.exp(logits - m).sum()))
        top: tuple[tuple[str, float], ...] = ()
        if top_n:
            best = np.argpartition(-logits, top_n)[:top_n]
            best = best[np.argsort(-logits[best])]
            top = tuple(
                (self.token_bytes(int(i)).decode("utf-8", errors="replace"), float(logits[i] - lse))
                for i in best
            )
        return TokenLogprob(
            raw.decode("utf-8", errors="replace"), float(logits[tok] - lse), tuple(raw), top
        )

    def _eog_tokens(self) -> list[int]:
        """End-of-generation token ids (scanned once per loaded model)."""
        import llama_cpp as L

        if self._eog is None:
            self._eog = [t for t in range(self.n_vocab) if L.llama_vocab_is_eog(self._vocab, t)]
        return self._eog

    @property
    def model_ptr(self) -> Any:
        """The native ``llama_model*`` (for helpers that run on the engine thread, e.g. embeddings)."""
        self._require()
        return self._model

    @property
    def vocab_ptr(self) -> Any:
        self._require()
        return self._vocab

    def is_eog(self, token: int) -> bool:
        return bool(self._is_eog(self._vocab, token))

    @property
    def n_slots(self) -> int:
        return len(self._slots)

    @property
    def cached_tokens(self) -> int:
        """Tokens held in the KV cache, over all slots."""
        return sum(len(s.cached) for s in self._slots)


def _common_token_prefix(a: list[int], b: list[int], limit: int) -> int:
    """How many leading tokens ``a`` and ``b`` share, at most ``limit``."""
    n, end = 0, min(len(a), len(b), limit)
    while n < end and a[n] == b[n]:
        n += 1
    return n


def _common_prefix_len(a: str, b: str) -> int:
    """Length of the longest common start of two strings (binary search on slices)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo
