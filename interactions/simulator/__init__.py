"""A faithful X-Platform Interaction History simulator, for the demo and the tests."""
