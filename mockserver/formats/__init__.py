"""Pure byte codecs: media sniffing and the MP4/PNG/WAV writers. Imports nothing else of mockserver."""
