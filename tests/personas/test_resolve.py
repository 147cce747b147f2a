"""Turning a persona name into a loadable model plus its preset."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.core.errors import ModelFileError, ModelNotFoundError
from app.core.paths import default_paths
from app.core.settings import Settings, SettingsStore
from app.engine.types import ChatMessage
from app.personas.model import Persona, PersonaMessage
from app.personas.resolve import list_personas, resolve_persona
from app.personas.store import PersonaStore
from app.resolve import list_catalog, resolve_model


def test_unknown_name_is_none() -> None:
    assert resolve_persona("no-such-persona") is None
    assert resolve_persona("not a valid name!") is None


def test_everything_maps_onto_the_engine(
    store: PersonaStore, tiny_model: Path, tmp_path: Path
) -> None:
    lora = tmp_path / "lora.gguf"
    lora.write_bytes(b"GGUF")
    store.create(
        Persona(
            name="full",
            base=str(tiny_model),
            system="S",
            template="{{ .Prompt }}",
            messages=(
                PersonaMessage(role="user", content="u"),
                PersonaMessage(role="assistant", content="a"),
            ),
            parameters={
                "num_ctx": 512,
                "num_predict": 64,
                "temperature": 0.1,
                "top_k": 5,
                "seed": 9,
                "mirostat": 2,
                "stop": ["###", "User:"],
                "num_gpu": 3,
                "num_thread": 2,
                "num_batch": 128,
                "use_mlock": True,
            },
            adapters=(str(lora),),
            collections=("docs",),
        )
    )
    r = resolve_persona("full")
    assert r is not None
    assert r.path == tiny_model and r.label == "full"
    assert r.system == "S" and r.template == "{{ .Prompt }}"
    assert r.few_shot == (ChatMessage("user", "u"), ChatMessage("assistant", "a"))
    assert r.sampling_overrides == {"temperature": 0.1, "top_k": 5, "seed": 9, "mirostat": 2}
    assert r.sampling().seed == 9 and r.sampling(temperature=0.7).temperature == 0.7
    assert r.n_ctx == 512 and r.max_tokens == 64 and r.stop == ("###", "User:")
    assert r.load_overrides == {"gpu_layers": 3, "n_threads": 2, "n_batch": 128, "use_mlock": True}
    assert r.lora_paths == (lora,) and r.collections == ("docs",)
    assert [m.role for m in r.preamble()] == ["system", "user", "assistant"]
    # the shared resolver finds personas too
    assert resolve_model("full") == r
    assert any(e.name == "full" and e.kind == "persona" for e in list_catalog())


def test_ollama_special_values(store: PersonaStore, tiny_model: Path) -> None:
    store.create(
        Persona(
            name="p",
            base=str(tiny_model),
            parameters={"seed": -1, "num_predict": -1, "num_gpu": -1, "num_thread": 0},
        )
    )
    r = resolve_persona("p")
    assert r is not None
    assert r.sampling_overrides == {} and r.max_tokens is None and r.load_overrides == {}


def test_persona_without_base_uses_the_callers_model_then_the_last_used(
    store: PersonaStore, tiny_model: Path
) -> None:
    store.create(Persona(name="free", system="x"))
    with pytest.raises(ModelNotFoundError, match="no base model of its own") as info:
        resolve_persona("free")
    assert "--model" in (info.value.hint or "")
    r = resolve_persona("free", base_model=str(tiny_model))
    assert r is not None and r.path == tiny_model
    settings = Settings()
    settings.models.last_model = str(tiny_model)
    SettingsStore(default_paths()).save(settings)
    r = resolve_persona("free")
    assert r is not None and r.path == tiny_model and r.system == "x"


def test_builtin_personas_run_on_the_chosen_model(tiny_model: Path) -> None:
    r = resolve_persona("french-tutor", base_model=str(tiny_model))
    assert r is not None and r.path == tiny_model
    assert r.system and "français" in r.system and len(r.few_shot) == 2


def test_hub_reference_not_downloaded_says_pull(store: PersonaStore) -> None:
    store.create(Persona(name="hub", base="hf.co/owner/some-repo-GGUF:Q4_K_M"))
    with pytest.raises(ModelNotFoundError, match="not downloaded yet") as info:
        resolve_persona("hub")
    assert info.value.hint == "Run 'hearth pull hf.co/owner/some-repo-GGUF:Q4_K_M' to download it."


def test_library_name(store: PersonaStore, tiny_model: Path) -> None:
    dest = default_paths().models_dir  # the library scans it on first use
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_model, dest / "tiny-llama-F32.gguf")
    store.create(Persona(name="lib", base="no-such-model"))
    with pytest.raises(ModelNotFoundError, match="not in your model library"):
        resolve_persona("lib")
    store.update("lib", base="tiny-llama")
    r = resolve_persona("lib")
    assert r is not None and r.path.name == "tiny-llama-F32.gguf" and r.label == "lib"


def test_missing_model_file(store: PersonaStore, tmp_path: Path) -> None:
    store.create(Persona(name="gone", base=str(tmp_path / "deleted.gguf")))
    with pytest.raises(ModelNotFoundError, match="which does not exist"):
        resolve_persona("gone")


def test_adapter_deleted_after_create_is_a_clear_error(
    store: PersonaStore, tiny_model: Path, tmp_path: Path
) -> None:
    lora = tmp_path / "lora.gguf"
    lora.write_bytes(b"GGUF")
    store.import_modelfile(f"FROM {tiny_model}\nADAPTER {lora}\n", "styled")
    lora.unlink()
    with pytest.raises(ModelFileError, match=r"LoRA adapter .* does not exist"):
        resolve_persona("styled")


def test_persona_based_on_a_persona_inherits_and_overrides(
    store: PersonaStore, tiny_model: Path
) -> None:
    store.create(
        Persona(
            name="parent",
            base=str(tiny_model),
            system="parent system",
            messages=(PersonaMessage(role="user", content="hi"),),
            parameters={"temperature": 0.2, "top_k": 7, "stop": ["A"]},
        )
    )
    store.create(Persona(name="child", base="parent", parameters={"temperature": 0.9}))
    r = resolve_persona("child")
    assert r is not None and r.path == tiny_model and r.label == "child"
    assert r.system == "parent system" and len(r.few_shot) == 1
    assert r.sampling_overrides == {"temperature": 0.9, "top_k": 7} and r.stop == ("A",)


def test_list_personas_catalog(store: PersonaStore) -> None:
    store.create(Persona(name="mine", title="Mine", base="llama3.2"))
    entries = {e.name: e for e in list_personas()}
    assert entries["mine"].kind == "persona"
    assert (
        entries["mine"].details["title"] == "Mine" and entries["mine"].details["builtin"] is False
    )
    assert (
        entries["analyst"].details["builtin"] is True and entries["analyst"].details["base"] is None
    )


def test_the_model_picked_last_may_be_a_persona(store: PersonaStore, tiny_model: Path) -> None:
    store.create(Persona(name="on-tiny", base=str(tiny_model), system="tiny"))
    store.create(Persona(name="floating", system="floats"))
    r = resolve_persona("floating", base_model="on-tiny")
    assert r is not None and r.path == tiny_model and r.system == "floats"
    with pytest.raises(ModelNotFoundError, match="no model 'floating' in your model library"):
        resolve_persona("floating", base_model="floating")  # itself: not a model
