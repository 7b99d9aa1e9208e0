"""The report: one self-contained HTML file (Jinja2 templates, inline SVG, inline script
and styles, nothing fetched when it is viewed) built from a run and its analysis."""
