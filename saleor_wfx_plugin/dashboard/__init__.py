"""The plugin's App for Saleor's dashboard: its manifest and the headers its pages are served
with (the pages themselves are built from `dashboard_extension/`)."""
