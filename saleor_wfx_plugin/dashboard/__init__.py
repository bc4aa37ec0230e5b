"""The pages Saleor's dashboard shows for the programme (an App extension), served by the plugin
itself: the built bundle lives in `static/` (built from `dashboard_extension/`, committed, and
shipped in the wheel, so a merchant's machine never needs Node)."""
