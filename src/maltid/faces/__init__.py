"""The faces: CLI, batch runs, maps, reports, exports and their labels.

Nothing below imports from here.
"""
