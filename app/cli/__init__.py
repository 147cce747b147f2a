"""The ``hearth`` command: thin, parses arguments, calls services, prints."""
