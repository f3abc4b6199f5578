"""Speech recognition: audio decoding and Whisper transcription behind a Transcriber protocol."""

from asr.types import AudioInfo, DecodedAudio, Role, Segment, Transcript

__all__ = ["AudioInfo", "DecodedAudio", "Role", "Segment", "Transcript"]
