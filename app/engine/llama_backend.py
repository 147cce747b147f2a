"""One llama.cpp model and context, driven through llama.cpp's C API.

Not thread-safe by design: only the :class:`~app.engine.service.InferenceService`
thread calls it. The generation loop is the same shape as llama.cpp's minimal
example (``llama_decode`` + the native sampler chain) so Python adds almost nothing
per token; on top it keeps the KV cache between requests (prefix reuse), holds back
partial stop strings, and checks a cancel flag between tokens.
"""

from __future__ import annotations

import codecs
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
from app.core.hardware import HardwareInfo, default_threads, detect_hardware
from app.engine import llama_log
from app.engine.architectures import SUPPORTED_ARCHITECTURES
from app.engine.chat_template import ChatTemplate
from app.engine.sampling import SamplerChain, grammar_for
from app.engine.stops import StopMatcher
from app.engine.types import (
    ChatMessage,
    FinishReason,
    GenerationRequest,
    GenerationResult,
    GenerationStats,
    LoadedModel,
    LoadOptions,
    TextDelta,
    TokenLogprob,
    TruncationPolicy,
)

log = logging.getLogger(__name__)

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
        self._cached: list[int] = []  # tokens whose KV is in the cache (sequence 0)
        # text and tokens of the last prompt plus its reply, so that the next turn of the
        # same conversation reuses the reply's own tokens instead of a re-tokenization
        self._history: tuple[str, list[int]] | None = None
        self._eog: list[int] | None = None
        self._one: Any = None
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
        cparams.n_seq_max = 1
        cparams.n_threads = threads
        cparams.n_threads_batch = opts.n_threads_batch or threads
        cparams.type_k = _KV_GGML_TYPE[opts.kv_type]
        cparams.type_v = _KV_GGML_TYPE[opts.kv_type]
        fa = opts.flash_attn
        if fa is None:
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
        for lora in opts.lora_paths:
            adapter = L.llama_adapter_lora_init(model, str(lora).encode("utf-8"))
            if not adapter:
                L.llama_free(ctx)
                L.llama_model_free(model)
                raise ModelLoadError(f"Could not load the LoRA adapter {Path(lora).name}.")
            arr = (L.llama_adapter_lora_p_ctypes * 1)(adapter)
            scales = (ctypes.c_float * 1)(1.0)
            L.llama_set_adapters_lora(ctx, arr, 1, scales)
        self._model, self._ctx = model, ctx
        self._vocab = L.llama_model_get_vocab(model)
        self._mem = L.llama_get_memory(ctx)
        self._info = info
        self.n_ctx = int(L.llama_n_ctx(ctx))
        self.n_batch = int(L.llama_n_batch(ctx))
        self.n_vocab = int(L.llama_vocab_n_tokens(self._vocab))
        self._one = (L.llama_token * 1)()
        self._cached = []
        self._history = None
        self._eog = None
        self._template = ChatTemplate(
            info.chat_template, bos_token=info.bos_token or "", eos_token=info.eos_token or ""
        )
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

    def unload(self) -> None:
        if self._ctx is None and self._model is None:
            return
        import llama_cpp as L

        if self._ctx is not None:
            L.llama_free(self._ctx)
        if self._model is not None:
            L.llama_model_free(self._model)
        self._ctx = self._model = self._vocab = self._mem = None
        self._info = None
        self._template = None
        self._cached = []
        self._history = None
        self._eog = None
        self.loaded = None
        gc.collect()

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

    def _tokenize_prompt(self, text: str) -> list[int]:
        info = self.info
        starts_with_bos = bool(info.bos_token) and text.startswith(info.bos_token or "")
        full = self.tokenize(text, add_bos=info.add_bos_token and not starts_with_bos, special=True)
        h = self._history
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

    def _prepare(self, req: GenerationRequest) -> tuple[str, list[int], int]:
        """(prompt text, tokens, turns dropped), applying the request's truncation policy."""
        self._require()
        if req.prompt is not None:
            toks = self._tokenize_prompt(req.prompt)
            self._check_fits(len(toks), req)
            return req.prompt, toks, 0
        messages = list(req.messages)
        dropped = 0
        while True:
            text = self.render_chat(messages, req)
            toks = self._tokenize_prompt(text)
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
        _text, toks, dropped = self._prepare(req)
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
    def _decode(self, tokens: list[int]) -> None:
        import llama_cpp as L

        if len(tokens) == 1:
            arr = self._one
            arr[0] = tokens[0]
        else:
            arr = (L.llama_token * len(tokens))(*tokens)
        rc = L.llama_decode(self._ctx, L.llama_batch_get_one(arr, len(tokens)))
        if rc != 0:
            # the KV cache is in an unknown state now: forget it
            self._clear_cache()
            raise ModelLoadError(f"llama.cpp failed to evaluate the prompt (code {rc}).")

    def _clear_cache(self) -> None:
        import llama_cpp as L

        L.llama_memory_clear(self._mem, True)
        self._cached = []
        self._history = None

    def _reuse_prefix(self, tokens: list[int]) -> int:
        """Keep the KV cache for the longest common prefix; return how many tokens are reused."""
        import llama_cpp as L

        n = 0
        limit = min(
            len(self._cached), len(tokens) - 1
        )  # always evaluate >= 1 token for fresh logits
        cached = self._cached
        while n < limit and cached[n] == tokens[n]:
            n += 1
        if n < len(cached):
            if not L.llama_memory_seq_rm(self._mem, 0, n, -1):
                self._clear_cache()
                return 0
            del cached[n:]
        return n

    def generate(
        self,
        req: GenerationRequest,
        cancel: threading.Event,
        emit: Callable[[TextDelta], None],
        *,
        queue_s: float = 0.0,
    ) -> GenerationResult:
        import llama_cpp as L

        self._require()
        t_start = time.perf_counter()
        prompt_text, tokens, dropped = self._prepare(req)
        generated: list[int] = []
        raw_text: list[str] = []
        n_prompt = len(tokens)
        budget = self.n_ctx - n_prompt
        max_new = budget if req.max_tokens is None else min(req.max_tokens, budget)
        extra_bias: dict[int, float] = {}
        if req.ignore_eos:
            extra_bias = dict.fromkeys(self._eog_tokens(), -math.inf)
        grammar = grammar_for(req)
        chain = SamplerChain(
            self._vocab,
            self.n_vocab,
            req.sampling,
            grammar=grammar,
            extra_bias=extra_bias,
            n_ctx=self.n_ctx,
        )
        matcher = StopMatcher(req.stop)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        out: list[str] = []
        lps: list[TokenLogprob] = []
        n_gen = 0
        finish = FinishReason.LENGTH
        t_first = t_last = 0.0
        n_reused = 0
        t_prefill_end = t_start
        try:
            n_reused = self._reuse_prefix(tokens)
            pending = tokens[n_reused:]
            for i in range(0, len(pending), self.n_batch):
                if cancel.is_set():
                    finish = FinishReason.CANCELLED
                    break
                chunk = pending[i : i + self.n_batch]
                self._decode(chunk)
                self._cached.extend(chunk)
            t_prefill_end = time.perf_counter()
            ctx, vocab, sample, cached = self._ctx, self._vocab, chain.sample, self._cached
            is_eog = L.llama_vocab_is_eog
            while finish is not FinishReason.CANCELLED:
                if n_gen >= max_new:
                    finish = (
                        FinishReason.LENGTH
                        if req.max_tokens is not None and n_gen >= req.max_tokens
                        else FinishReason.CONTEXT_FULL
                    )
                    break
                tok = sample(ctx)
                t_last = time.perf_counter()
                if n_gen == 0:
                    t_first = t_last
                if is_eog(vocab, tok):
                    finish = FinishReason.STOP
                    break
                n_gen += 1
                generated.append(tok)
                raw = self.token_bytes(tok)
                piece = decoder.decode(raw)
                raw_text.append(piece)
                if req.logprobs is not None:
                    lps.append(self._logprob(tok, raw, req.logprobs))
                safe = matcher.feed(piece) if piece else ""
                if safe:
                    out.append(safe)
                    emit(TextDelta(safe, tuple(lps[-1:]) if req.logprobs is not None else ()))
                elif req.logprobs is not None and not matcher.stopped:
                    emit(TextDelta("", tuple(lps[-1:])))
                if matcher.stopped:
                    finish = FinishReason.STOP
                    break
                if cancel.is_set():
                    finish = FinishReason.CANCELLED
                    break
                if n_gen >= max_new:
                    continue  # no need to evaluate a token we will not extend
                self._decode([tok])
                cached.append(tok)
        finally:
            chain.close()
        final = decoder.decode(b"", final=True) if not matcher.stopped else ""
        tail = matcher.flush() + final
        if tail:
            out.append(tail)
            emit(TextDelta(tail))
        t_end = time.perf_counter()
        if n_gen == 0:
            t_first = t_last = t_end if t_first == 0.0 else t_first
        stats = GenerationStats(
            prompt_tokens=n_prompt,
            completion_tokens=n_gen,
            cached_tokens=n_reused,
            ttft_s=(t_first - t_start) if n_gen else (t_prefill_end - t_start),
            prefill_s=t_prefill_end - t_start,
            decode_s=max(t_last - t_first, 0.0),
            queue_s=queue_s,
        )
        text = "".join(out)
        if not matcher.stopped and text == "".join(raw_text) + final:
            self._history = (prompt_text + text, tokens + generated)
        else:  # the reply was cut by a stop string: only the prompt is reusable as-is
            self._history = (prompt_text, list(tokens))
        return GenerationResult(text, finish, stats, dropped, tuple(lps))

    def _logprob(self, tok: int, raw: bytes, top_n: int) -> TokenLogprob:
        import llama_cpp as L
        import numpy as np

        ptr = L.llama_get_logits_ith(self._ctx, -1)
        logits = np.ctypeslib.as_array(ptr, shape=(self.n_vocab,)).astype(np.float64)
        m = float(logits.max())
        lse = m + math.log(float(np.exp(logits - m).sum()))
        top: tuple[tuple[str, float], ...] = ()
        if top_n:
            idx = np.argpartition(-logits, top_n)[:top_n]
            idx = idx[np.argsort(-logits[idx])]
            top = tuple(
                (self.token_bytes(int(i)).decode("utf-8", errors="replace"), float(logits[i] - lse))
                for i in idx
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

    @property
    def cached_tokens(self) -> int:
        return len(self._cached)
