"""Read a GGUF file's header (metadata and tensor table) without touching the weights.

Pure Python and fast: big arrays (the tokenizer's vocabulary) are skipped and only
their offset is remembered, so reading the header of a 40 GB model costs a few
milliseconds. Damaged files raise typed errors (:class:`NotAGGUFError`,
:class:`TruncatedModelError`) instead of crashing later inside llama.cpp.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from app.core.errors import ModelFileError, ModelNotFoundError, NotAGGUFError, TruncatedModelError

GGUF_MAGIC = b"GGUF"

# value types
_UINT8, _INT8, _UINT16, _INT16, _UINT32, _INT32, _FLOAT32, _BOOL, _STRING, _ARRAY = range(10)
_UINT64, _INT64, _FLOAT64 = 10, 11, 12
_SCALAR_FMT = {
    _UINT8: "<B",
    _INT8: "<b",
    _UINT16: "<H",
    _INT16: "<h",
    _UINT32: "<I",
    _INT32: "<i",
    _FLOAT32: "<f",
    _BOOL: "<?",
    _UINT64: "<Q",
    _INT64: "<q",
    _FLOAT64: "<d",
}
_SCALAR_SIZE = {k: struct.calcsize(v) for k, v in _SCALAR_FMT.items()}

#: Arrays longer than this are not materialised (the vocabulary, merges, scores).
BIG_ARRAY = 1024

# ggml tensor types: (elements per block, bytes per block)
GGML_BLOCK: dict[int, tuple[int, int]] = {
    0: (1, 4),  # F32
    1: (1, 2),  # F16
    2: (32, 18),  # Q4_0
    3: (32, 20),  # Q4_1
    6: (32, 22),  # Q5_0
    7: (32, 24),  # Q5_1
    8: (32, 34),  # Q8_0
    9: (32, 36),  # Q8_1
    10: (256, 84),  # Q2_K
    11: (256, 110),  # Q3_K
    12: (256, 144),  # Q4_K
    13: (256, 176),  # Q5_K
    14: (256, 210),  # Q6_K
    15: (256, 292),  # Q8_K
    16: (256, 66),  # IQ2_XXS
    17: (256, 74),  # IQ2_XS
    18: (256, 98),  # IQ3_XXS
    19: (256, 50),  # IQ1_S
    20: (32, 18),  # IQ4_NL
    21: (256, 110),  # IQ3_S
    22: (256, 82),  # IQ2_S
    23: (256, 136),  # IQ4_XS
    24: (1, 1),  # I8
    25: (1, 2),  # I16
    26: (1, 4),  # I32
    27: (1, 8),  # I64
    28: (1, 8),  # F64
    29: (256, 56),  # IQ1_M
    30: (1, 2),  # BF16
    34: (256, 54),  # TQ1_0
    35: (256, 66),  # TQ2_0
    39: (32, 17),  # MXFP4
}
GGML_TYPE_NAMES: dict[int, str] = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0", 9: "Q8_1",
    10: "Q2_K", 11: "Q3_K", 12: "Q4_K", 13: "Q5_K", 14: "Q6_K", 15: "Q8_K", 16: "IQ2_XXS",
    17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S", 20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S",
    23: "IQ4_XS", 24: "I8", 25: "I16", 26: "I32", 27: "I64", 28: "F64", 29: "IQ1_M",
    30: "BF16", 34: "TQ1_0", 35: "TQ2_0", 39: "MXFP4",
}  # fmt: skip

# llama.cpp's LLAMA_FTYPE_* (general.file_type)
FILE_TYPE_NAMES: dict[int, str] = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
    11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
    17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
    23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S",
    29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0",
    38: "MXFP4_MOE",
}  # fmt: skip

_SPLIT_RE = re.compile(r"^(?P<stem>.*)-(?P<no>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)


@dataclass(frozen=True)
class BigArray:
    """A large array left on disk: its element type, length and where it starts."""

    elem_type: int
    count: int
    offset: int


@dataclass(frozen=True)
class TensorInfo:
    name: str
    shape: tuple[int, ...]
    ggml_type: int
    offset: int  # relative to the data section of its file

    @property
    def n_elements(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    @property
    def n_bytes(self) -> int:
        block, size = GGML_BLOCK.get(self.ggml_type, (1, 4))
        return self.n_elements // block * size

    @property
    def layer(self) -> int | None:
        """Block index for ``blk.N.*`` tensors, else None."""
        if self.name.startswith("blk."):
            part = self.name.split(".", 2)[1]
            if part.isdigit():
                return int(part)
        return None


@dataclass(frozen=True)
class GGUFHeader:
    """Everything in one GGUF file's header."""

    path: Path
    version: int
    metadata: dict[str, Any]
    tensors: tuple[TensorInfo, ...]
    data_offset: int
    file_size: int

    def get(self, key: str, default: Any = None) -> Any:
        return self.metadata.get(key, default)


@dataclass(frozen=True)
class GGUFInfo:
    """Model facts drawn from the header(s) of a (possibly split) GGUF model."""

    path: Path
    parts: tuple[Path, ...]
    architecture: str
    name: str
    file_type: str | None
    parameter_count: int
    size_bytes: int
    context_length: int | None
    block_count: int
    embedding_length: int
    head_count: int
    head_count_kv: int
    key_length: int
    value_length: int
    vocab_size: int
    chat_template: str | None
    bos_token: str | None
    eos_token: str | None
    bos_token_id: int | None
    eos_token_id: int | None
    eot_token_id: int | None
    add_bos_token: bool
    license: str | None
    is_mmproj: bool
    tensor_types: dict[str, int] = field(default_factory=dict)
    layer_bytes: tuple[int, ...] = ()
    nonlayer_bytes: int = 0
    token_embd_bytes: int = 0
    #: bytes per ggml type of the 2-D weight matrices that go through matmuls
    #: (what llama.cpp's CPU backend may repack into its interleaved layouts)
    matmul_type_bytes: dict[str, int] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def has_chat_template(self) -> bool:
        return bool(self.chat_template)

    @property
    def quantization(self) -> str:
        if self.file_type:
            return self.file_type
        if self.tensor_types:
            return max(self.tensor_types.items(), key=lambda kv: kv[1])[0]
        return "unknown"

    @property
    def parameter_label(self) -> str:
        n = self.parameter_count
        if n >= 1e9:
            return f"{n / 1e9:.1f}B"
        if n >= 1e6:
            return f"{n / 1e6:.0f}M"
        return f"{n / 1e3:.0f}K"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "parts": [str(p) for p in self.parts],
            "name": self.name,
            "architecture": self.architecture,
            "parameters": self.parameter_count,
            "parameters_label": self.parameter_label,
            "quantization": self.quantization,
            "size_bytes": self.size_bytes,
            "context_length": self.context_length,
            "block_count": self.block_count,
            "embedding_length": self.embedding_length,
            "head_count": self.head_count,
            "head_count_kv": self.head_count_kv,
            "vocab_size": self.vocab_size,
            "has_chat_template": self.has_chat_template,
            "bos_token": self.bos_token,
            "eos_token": self.eos_token,
            "license": self.license,
            "is_mmproj": self.is_mmproj,
        }


class _Reader:
    """Buffered little-endian reader that turns EOF into TruncatedModelError."""

    def __init__(self, f: BinaryIO, path: Path, size: int) -> None:
        self._f = f
        self._path = path
        self._size = size

    def tell(self) -> int:
        return self._f.tell()

    def read(self, n: int) -> bytes:
        data = self._f.read(n)
        if len(data) != n:
            raise TruncatedModelError(
                f"{self._path.name} is truncated: the file ends inside its header.",
                hint="Download it again.",
            )
        return data

    def skip(self, n: int) -> None:
        pos = self._f.tell() + n
        if pos > self._size:
            raise TruncatedModelError(
                f"{self._path.name} is truncated: the file ends inside its header.",
                hint="Download it again.",
            )
        self._f.seek(pos)

    def scalar(self, vtype: int) -> Any:
        fmt = _SCALAR_FMT[vtype]
        return struct.unpack(fmt, self.read(_SCALAR_SIZE[vtype]))[0]

    def u32(self) -> int:
        return int(struct.unpack("<I", self.read(4))[0])

    def u64(self) -> int:
        return int(struct.unpack("<Q", self.read(8))[0])

    def string(self) -> str:
        n = self.u64()
        if n > self._size:
            raise NotAGGUFError(
                f"{self._path.name} is damaged: a header string has an impossible length."
            )
        return self.read(n).decode("utf-8", errors="replace")

    def value(self, vtype: int) -> Any:
        if vtype == _STRING:
            return self.string()
        if vtype == _ARRAY:
            etype = self.u32()
            count = self.u64()
            start = self.tell()
            if count > BIG_ARRAY:
                self.skip_array(etype, count)
                return BigArray(etype, count, start)
            return [self.value(etype) for _ in range(count)]
        if vtype in _SCALAR_FMT:
            return self.scalar(vtype)
        raise NotAGGUFError(f"{self._path.name} is damaged: unknown metadata value type {vtype}.")

    def skip_array(self, etype: int, count: int) -> None:
        if etype in _SCALAR_SIZE:
            self.skip(_SCALAR_SIZE[etype] * count)
        elif etype == _STRING:
            read, unpack = self._f.read, struct.unpack
            for _ in range(count):
                raw = read(8)
                if len(raw) != 8:
                    self.read(8)  # raises TruncatedModelError
                self._f.seek(unpack("<Q", raw)[0], os.SEEK_CUR)
            if self.tell() > self._size:
                self.skip(1)
        else:
            for _ in range(count):
                self.value(etype)


def read_header(path: str | os.PathLike[str]) -> GGUFHeader:
    """Parse one GGUF file's header. Raises typed errors for bad files."""
    p = Path(path)
    if not p.exists():
        raise ModelNotFoundError(f"No model file at {p}.")
    if p.is_dir():
        raise ModelFileError(f"{p} is a folder, not a GGUF file.")
    size = p.stat().st_size
    try:
        f = open(p, "rb", buffering=1 << 16)  # noqa: SIM115
    except OSError as exc:
        raise ModelFileError(f"Cannot read {p}: {exc.strerror}.") from exc
    with f:
        if size < 24 or f.read(4) != GGUF_MAGIC:
            raise NotAGGUFError(
                f"{p.name} is not a GGUF model file.", hint="Hearth runs .gguf models."
            )
        r = _Reader(f, p, size)
        version = r.u32()
        if version not in (2, 3):
            raise NotAGGUFError(f"{p.name} uses GGUF version {version}, which Hearth cannot read.")
        n_tensors = r.u64()
        n_kv = r.u64()
        if n_tensors > 1_000_000 or n_kv > 1_000_000:
            raise NotAGGUFError(f"{p.name} is damaged: its header counts are impossible.")
        meta: dict[str, Any] = {}
        for _ in range(n_kv):
            key = r.string()
            meta[key] = r.value(r.u32())
        tensors: list[TensorInfo] = []
        for _ in range(n_tensors):
            name = r.string()
            n_dims = r.u32()
            if n_dims > 8:
                raise NotAGGUFError(f"{p.name} is damaged: tensor {name} has {n_dims} dimensions.")
            shape = tuple(r.u64() for _ in range(n_dims))
            ggml_type = r.u32()
            offset = r.u64()
            tensors.append(TensorInfo(name, shape, ggml_type, offset))
        align = int(meta.get("general.alignment", 32) or 32)
        pos = r.tell()
        data_offset = pos + (align - pos % align) % align
    header = GGUFHeader(p, version, meta, tuple(tensors), data_offset, size)
    _check_complete(header)
    return header


def _check_complete(h: GGUFHeader) -> None:
    if not h.tensors:
        return
    end = max(t.offset + t.n_bytes for t in h.tensors) + h.data_offset
    if end > h.file_size:
        pct = 100.0 * h.file_size / end
        raise TruncatedModelError(
            f"{h.path.name} is truncated: it holds {h.file_size:,} of {end:,} bytes ({pct:.0f}%).",
            hint="The download was cut short; download it again.",
        )


def read_string_array_item(path: Path, arr: BigArray, index: int) -> str | None:
    """Fetch element ``index`` of a big string array (e.g. one vocabulary token)."""
    if arr.elem_type != _STRING or not 0 <= index < arr.count:
        return None
    with open(path, "rb", buffering=1 << 16) as f:
        f.seek(arr.offset)
        for _ in range(index):
            (n,) = struct.unpack("<Q", f.read(8))
            f.seek(n, os.SEEK_CUR)
        (n,) = struct.unpack("<Q", f.read(8))
        return f.read(n).decode("utf-8", errors="replace")


def split_parts(path: Path) -> tuple[Path, ...]:
    """All files of a split GGUF (``name-00001-of-00003.gguf``), or just ``path``."""
    m = _SPLIT_RE.match(path.name)
    if not m:
        return (path,)
    count = int(m.group("count"))
    stem = m.group("stem")
    parts = tuple(
        path.with_name(f"{stem}-{i:05d}-of-{count:05d}.gguf") for i in range(1, count + 1)
    )
    missing = [q.name for q in parts if not q.exists()]
    if missing:
        raise ModelFileError(
            f"{path.name} is one part of a split model and {len(missing)} part(s) are missing: "
            f"{', '.join(missing[:3])}."
        )
    return parts


def is_split_part(path: Path) -> tuple[int, int] | None:
    """(part number, part count) for split-file names, else None."""
    m = _SPLIT_RE.match(path.name)
    return (int(m.group("no")), int(m.group("count"))) if m else None


def _as_int(v: Any, default: int = 0) -> int:
    if isinstance(v, list):
        return int(max(v)) if v else default
    if isinstance(v, int | float):
        return int(v)
    return default


def read_info(path: str | os.PathLike[str]) -> GGUFInfo:
    """Model facts for a GGUF (all parts of a split model are read)."""
    p = Path(path)
    parts = split_parts(p) if p.exists() else (p,)
    headers = [read_header(q) for q in parts]
    h = headers[0]
    meta = h.metadata
    arch = str(meta.get("general.architecture", "unknown"))

    def a(key: str, default: Any = None) -> Any:
        return meta.get(f"{arch}.{key}", default)

    tensors = [t for hh in headers for t in hh.tensors]
    n_layer = _as_int(a("block_count"), 0)
    layer_bytes = [0] * n_layer
    nonlayer = 0
    types: dict[str, int] = {}
    n_params = 0
    embd_bytes = 0
    matmul: dict[str, int] = {}
    for t in tensors:
        n_params += t.n_elements
        tn = GGML_TYPE_NAMES.get(t.ggml_type, str(t.ggml_type))
        types[tn] = types.get(tn, 0) + t.n_bytes
        if t.name == "token_embd.weight":
            embd_bytes += t.n_bytes
        elif len(t.shape) == 2 and t.shape[1] > 1:
            matmul[tn] = matmul.get(tn, 0) + t.n_bytes
        li = t.layer
        if li is not None and li < n_layer:
            layer_bytes[li] += t.n_bytes
        else:
            nonlayer += t.n_bytes
    n_embd = _as_int(a("embedding_length"), 0)
    n_head = _as_int(a("attention.head_count"), 0)
    n_head_kv = _as_int(a("attention.head_count_kv"), n_head) or n_head
    head_dim = n_embd // n_head if n_head else 0
    tokens = meta.get("tokenizer.ggml.tokens")
    vocab = tokens.count if isinstance(tokens, BigArray) else len(tokens or [])

    def token_text(key: str) -> tuple[int | None, str | None]:
        tid = meta.get(key)
        if tid is None:
            return None, None
        tid = int(tid)
        if isinstance(tokens, BigArray):
            return tid, read_string_array_item(h.path, tokens, tid)
        if isinstance(tokens, list) and 0 <= tid < len(tokens):
            return tid, str(tokens[tid])
        return tid, None

    bos_id, bos = token_text("tokenizer.ggml.bos_token_id")
    eos_id, eos = token_text("tokenizer.ggml.eos_token_id")
    eot = meta.get("tokenizer.ggml.eot_token_id")
    ftype = meta.get("general.file_type")
    ctx = a("context_length")
    template = meta.get("tokenizer.chat_template")
    name = meta.get("general.name") or p.stem
    is_mmproj = arch == "clip" or "mmproj" in p.name.lower() or "clip.projector_type" in meta
    return GGUFInfo(
        path=p,
        parts=tuple(parts),
        architecture=arch,
        name=str(name),
        file_type=FILE_TYPE_NAMES.get(int(ftype)) if isinstance(ftype, int) else None,
        parameter_count=n_params,
        size_bytes=sum(hh.file_size for hh in headers),
        context_length=int(ctx) if isinstance(ctx, int) else None,
        block_count=n_layer,
        embedding_length=n_embd,
        head_count=n_head,
        head_count_kv=n_head_kv,
        key_length=_as_int(a("attention.key_length"), head_dim) or head_dim,
        value_length=_as_int(a("attention.value_length"), head_dim) or head_dim,
        vocab_size=vocab,
        chat_template=str(template) if isinstance(template, str) else None,
        bos_token=bos,
        eos_token=eos,
        bos_token_id=bos_id,
        eos_token_id=eos_id,
        eot_token_id=int(eot) if isinstance(eot, int) else None,
        add_bos_token=bool(meta.get("tokenizer.ggml.add_bos_token", True)),
        license=str(meta["general.license"]) if "general.license" in meta else None,
        is_mmproj=is_mmproj,
        tensor_types=types,
        layer_bytes=tuple(layer_bytes),
        nonlayer_bytes=nonlayer,
        token_embd_bytes=embd_bytes,
        matmul_type_bytes=matmul,
        metadata={k: v for k, v in meta.items() if not isinstance(v, BigArray)},
    )


def iter_gguf_files(folder: Path) -> Iterator[Path]:
    """Every ``*.gguf`` under ``folder`` (following no symlinked folders)."""
    for root, _dirs, files in os.walk(folder):
        for fn in files:
            if fn.lower().endswith(".gguf"):
                yield Path(root) / fn
