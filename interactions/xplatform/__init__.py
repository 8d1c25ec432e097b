"""The X-Platform Interaction History client: the only code that speaks HTTP upstream."""
