"""Read paths: queries shaped for the demo, the API and the dashboard."""
