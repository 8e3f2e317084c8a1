"""The workflow as a picture: one graph model read off the emitted ASL (`model.from_asl`) and a renderer per
format (`mermaid`, `dot`, `svg`). `flowc graph` prints them; the compare report embeds the same ones."""

FORMATS = ("mermaid", "dot", "svg")
