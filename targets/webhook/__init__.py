"""The GitHub webhook verifier deployed in front of `auth github` routes (see verifier.py)."""
