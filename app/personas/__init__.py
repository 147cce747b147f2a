"""Personas: presets of base model, system prompt, parameters, template and examples,
read from and written to Ollama Modelfiles.

* :mod:`app.personas.model` - the :class:`~app.personas.model.Persona` (pydantic, frozen)
* :mod:`app.personas.modelfile` - ``parse_modelfile`` / ``export_modelfile``
* :mod:`app.personas.params` - Ollama PARAMETER names, types and engine mapping
* :mod:`app.personas.store` - ``PersonaStore`` (built-in + user personas, CRUD)
* :mod:`app.personas.resolve` - ``resolve_persona`` / ``list_personas`` for ``app.resolve``
* :mod:`app.personas.ollama_template` - render an Ollama TEMPLATE (Go template) to a prompt
"""
