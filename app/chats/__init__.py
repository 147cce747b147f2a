"""Hearth chats package."""
