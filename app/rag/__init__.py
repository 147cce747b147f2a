"""Hearth rag package."""
