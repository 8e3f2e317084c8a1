"""The Step Functions back end: ASL models, the emitter and the SAM template."""
