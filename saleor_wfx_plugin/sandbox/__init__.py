"""A standalone Django project for running the programme without Saleor: the demo and the tests
use it. Nothing here is imported when the plugin runs inside Saleor."""
