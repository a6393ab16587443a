"""Where answers come from besides the twin: the upstream (capture), the upstream compared with the twin (diff),
or a cassette (replay). `modes.answer_layer` puts the chosen source in front of a twin's app."""
