"""Hearth server package."""
