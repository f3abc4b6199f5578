"""Whisper engines behind the ChannelEngine protocol."""
