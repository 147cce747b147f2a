"""One exception root for Hearth, with typed subclasses.

Edges (CLI, HTTP server, dialogs) map these to exit codes, status codes and
messages *by type*. Each message is one plain sentence a user can act on.
"""

from __future__ import annotations


class HearthError(Exception):
    """Root of every error Hearth raises on purpose."""

    #: Short machine-readable code (used by the HTTP server and ``--json`` output).
    code: str = "hearth_error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} {self.hint}"


class ModelFileError(HearthError):
    """The model file is missing, unreadable, not a GGUF, or damaged."""

    code = "model_file_error"


class ModelNotFoundError(ModelFileError):
    code = "model_not_found"


class NotAGGUFError(ModelFileError):
    code = "not_gguf"


class TruncatedModelError(ModelFileError):
    code = "truncated_model"


class UnsupportedModelError(ModelFileError):
    """The GGUF is well formed but llama.cpp cannot run its architecture."""

    code = "unsupported_model"


class InsufficientMemoryError(HearthError):
    """The model (with the requested context) does not fit in this machine's memory."""

    code = "insufficient_memory"


class ModelLoadError(HearthError):
    code = "model_load_error"


class NoModelLoadedError(HearthError):
    code = "no_model_loaded"


class ContextOverflowError(HearthError):
    """Prompt plus requested completion does not fit in the context window."""

    code = "context_length_exceeded"

    def __init__(
        self,
        message: str,
        *,
        prompt_tokens: int,
        max_tokens: int,
        n_ctx: int,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.prompt_tokens = prompt_tokens
        self.max_tokens = max_tokens
        self.n_ctx = n_ctx


class InvalidRequestError(HearthError):
    """A request's parameters are wrong (bad sampling value, bad grammar, bad schema...)."""

    code = "invalid_request"


class GrammarError(InvalidRequestError):
    code = "invalid_grammar"


class QueueFullError(HearthError):
    code = "queue_full"


class ServiceClosedError(HearthError):
    code = "service_closed"


class SettingsError(HearthError):
    code = "settings_error"


class KeychainUnavailableError(HearthError):
    code = "keychain_unavailable"


# --- models: library, Hugging Face hub, downloads -------------------------------------


class HubError(HearthError):
    """Talking to the Hugging Face Hub failed."""

    code = "hub_error"


class HubAuthRequiredError(HubError):
    """401: the repo is gated or private and no (valid) token was sent."""

    code = "hub_auth_required"


class HubAccessDeniedError(HubError):
    """403: the token is valid but has no access (gated repo not accepted yet)."""

    code = "hub_access_denied"


class HubNotFoundError(HubError):
    """404: no such repo, revision or file."""

    code = "hub_not_found"


class HubUnreachableError(HubError):
    """No network, DNS failure, timeout or a server error."""

    code = "hub_unreachable"


class DownloadError(HearthError):
    code = "download_error"


class DiskSpaceError(DownloadError):
    """Not enough free disk space to start (or finish) a download."""

    code = "disk_full"


class ChecksumMismatchError(DownloadError):
    """The downloaded bytes do not match the sha256 the hub reported."""

    code = "checksum_mismatch"


class DownloadCancelledError(DownloadError):
    code = "download_cancelled"


class RagError(HearthError):
    """Document collections: indexing, retrieval, answers."""

    code = "rag_error"


class CollectionNotFoundError(RagError):
    code = "collection_not_found"


class CollectionExistsError(RagError):
    code = "collection_exists"


class DocumentLoadError(RagError):
    """A file could not be read as a document (unsupported type, damaged, no text)."""

    code = "document_load_error"


class EmbeddingModelError(RagError):
    """The embedding or reranking model is missing and cannot be downloaded, or fails to load."""

    code = "embedding_model_error"


class ModelfileError(InvalidRequestError):
    """A Modelfile (a persona's definition) is wrong; ``line`` is 1-based (0: not tied to a line)."""

    code = "modelfile_error"

    def __init__(self, message: str, *, line: int = 0, hint: str | None = None) -> None:
        super().__init__(f"Modelfile line {line}: {message}" if line else message, hint=hint)
        self.line = line


class PersonaError(HearthError):
    """A persona cannot be created, changed or removed as asked."""

    code = "persona_error"


class PersonaNotFoundError(PersonaError):
    code = "persona_not_found"
