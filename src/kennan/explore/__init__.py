"""``kennan explore``: a live workbench for a scenario's judgments in the browser.

:mod:`.session` holds the scenario and its edited state, :mod:`.edits` turns the
page's edits into scenario text (validated as a file is), :mod:`.view` renders
results with the report's figures, :mod:`.server` serves them on 127.0.0.1, and
:mod:`.files` writes new files safely.
"""
