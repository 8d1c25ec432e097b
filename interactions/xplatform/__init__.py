"""The X-Platform Interaction History client: the only code that talks HTTP upstream."""
