"""Hearth ui package."""
