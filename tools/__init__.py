"""The project's build, presentation and notebook tools (not part of the installed package).

Run them from the repository root as modules, e.g. ``python -m tools.build_book``; the
Makefile's targets do. They import each other as ``tools.<module>`` and the library as
``jia_teach``, with no changes to ``sys.path``.
"""
