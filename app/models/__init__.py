"""Hearth models package."""
