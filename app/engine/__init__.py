"""Hearth engine package."""
