"""Hearth personas package."""
